import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ConfigurationError } from './errors';
import { toYaml } from './pomerium/render';

/** One Helm values file a construct contributes. */
export interface HelmValuesFile {
  /** The file name, e.g. 'pomerium-values.yaml'. */
  readonly fileName: string;
  /** The values. */
  readonly values: { [key: string]: any };
}

/** A construct that contributes Helm values files. */
interface HelmValuesSource extends IConstruct {
  _helmValuesFiles(): HelmValuesFile[];
}

function isSource(c: IConstruct): c is HelmValuesSource {
  return typeof (c as Partial<HelmValuesSource>)._helmValuesFiles === 'function';
}

/**
 * The Helm values of an app, for plain `helm upgrade --install -f` users. They are not
 * Kubernetes manifests, so they never go into the manifests folder (`kubectl apply -f dist/`
 * must take that folder whole): by default they go to `helm-values/` beside it.
 */
export class HelmValuesFiles {
  /** The folder values go to by default: `helm-values` beside the app's manifests folder. */
  public static defaultDirectory(app: App): string {
    return path.join(path.dirname(path.resolve(app.outdir)), 'helm-values');
  }

  /**
   * Every values file the constructs under `scope` contribute (one per Pomerium release, one
   * per Grafana), checked for collisions: two constructs that would write the same file are
   * refused, naming both, instead of the last one silently winning.
   */
  public static collect(scope: IConstruct): HelmValuesFile[] {
    const owners = new Map<string, string>();
    const files: HelmValuesFile[] = [];
    for (const construct of scope.node.findAll()) {
      if (!isSource(construct)) continue;
      for (const file of construct._helmValuesFiles()) {
        const other = owners.get(file.fileName);
        if (other !== undefined) {
          throw new ConfigurationError(
            `${construct.constructor.name} at '${construct.node.path}': prop 'name' gives Helm values file ${JSON.stringify(file.fileName)}, which the construct at '${other}' writes too: one would overwrite the other. Fix: give one of them another \`name\``,
          );
        }
        owners.set(file.fileName, construct.node.path);
        files.push(file);
      }
    }
    return files;
  }

  /**
   * Writes every values file of the app into `directory` (default `helm-values/` beside the
   * manifests folder). Call it after `app.synth()`; returns the paths written.
   */
  public static write(app: App, directory?: string): string[] {
    const dir = directory ?? HelmValuesFiles.defaultDirectory(app);
    const files = HelmValuesFiles.collect(app);
    if (path.resolve(dir) === path.resolve(app.outdir)) {
      throw new ConfigurationError(`HelmValuesFiles.write: directory ${JSON.stringify(dir)} is the manifests folder, and \`kubectl apply -f\` would take the values files for manifests. Fix: leave directory out (helm-values/ beside it) or choose another folder`);
    }
    const written: string[] = [];
    for (const file of files) {
      fs.mkdirSync(dir, { recursive: true });
      const target = path.join(dir, file.fileName);
      fs.writeFileSync(target, toYaml(file.values));
      written.push(target);
    }
    return written;
  }
}
