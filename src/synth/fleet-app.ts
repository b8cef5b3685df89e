import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, AppProps, Chart, DependencyGraph, Names, Yaml, YamlOutputType } from 'cdk8s';
import { IConstruct, Node } from 'constructs';
import { saveYamlFiles } from './parallel-yaml';
import { keepRenderedJsonFor, takeRenderedJson } from '../rules/object-size';

/**
 * An `App` that synthesizes in time linear in the number of charts.
 *
 * Plain `App.synth()` calls `chart.toJson()` for each chart, and each of those calls
 * re-resolves the dependencies of the whole app and re-runs every validation of the
 * whole app (`App._synthChart` in cdk8s), so an app with one chart per tenant costs
 * time quadratic in tenants. `FleetApp` drives cdk8s through its public API instead:
 * it validates every construct once, resolves the dependencies once, then renders
 * each chart's objects (`DependencyGraph` topology, `ApiObject.toJson()`) and writes
 * them with `Yaml.save`, in the same files, order and bytes as `App.synth()`.
 *
 * Use it in place of `App`; `cdk8s synth` works unchanged:
 *
 * ```ts
 * const app = new FleetApp();
 * for (const t of tenants) new TenantChart(app, t.name, t);
 * app.synth();
 * ```
 *
 * Every `node.addValidation` check runs exactly once per `synth()` or `synthYaml()`
 * (plain cdk8s runs it once plus once per chart), and any failure stops synthesis
 * with the same message as `App.synth()`. Exceptions: a chart class that overrides
 * `toJson()` is rendered through its own `toJson()`, which makes cdk8s validate the
 * whole app again for that chart (same output, plain cost for that chart); and
 * validations run before dependencies are inferred in `synth()` and after in
 * `synthYaml()`, as in cdk8s 2.70, without the extra per-chart runs.
 */
export class FleetApp extends App {
  private readonly recordMetadata: boolean;

  /**
   * @param props the same props as `App`
   */
  constructor(props: AppProps = {}) {
    super(props);
    // The size guard renders every object to measure it: the writer reuses that rendering.
    keepRenderedJsonFor(this);
    // Same default as App (whose own field is private).
    this.recordMetadata = props.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
  }

  /**
   * Synthesizes all manifests to the output directory, as `App.synth()` does,
   * validating every construct once.
   */
  public synth(): void {
    fs.mkdirSync(this.outdir, { recursive: true });
    const tree = new TreeCache();
    validateAll(this, tree);
    const hasDependantCharts = resolveAllDependencies(this, tree);
    const charts = this.charts;
    const ext = this.outputFileExtension;

    switch (this.yamlOutputType) {
      case YamlOutputType.FILE_PER_APP: {
        const docs: any[] = [];
        for (const chart of charts) docs.push(...Object.values(chartJson(chart)));
        if (charts.length > 0) Yaml.save(path.join(this.outdir, `app${ext}`), docs);
        break;
      }
      case YamlOutputType.FILE_PER_CHART: {
        const name = chartNamer(hasDependantCharts);
        // Objects are rendered here, in chart order; serializing them is shared with a worker.
        saveYamlFiles(charts.length, (i) => ({ file: path.join(this.outdir, name(charts[i]) + ext), docs: Object.values(chartJson(charts[i])) }));
        break;
      }
      case YamlOutputType.FILE_PER_RESOURCE: {
        for (const chart of charts) {
          for (const object of Object.values(chartJson(chart))) {
            if (object === undefined) continue;
            Yaml.save(path.join(this.outdir, resourceFileName(object.kind, object.metadata.name) + ext), [object]);
          }
        }
        break;
      }
      case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE: {
        // cdk8s renders this form object by object, without chart.toJson(): already linear.
        const name = chartNamer(hasDependantCharts);
        for (const chart of charts) {
          const folder = path.join(this.outdir, name(chart));
          fs.mkdirSync(folder, { recursive: true });
          for (const object of chartObjects(chart)) {
            if (object === undefined) continue;
            Yaml.save(path.join(folder, resourceFileName(object.kind, object.metadata.name) + ext), [takeRenderedJson(object) ?? object.toJson()]);
          }
        }
        break;
      }
      default:
        throw new Error(
          `FleetApp: yamlOutputType ${String(this.yamlOutputType)} is not one FleetApp knows how to write ` +
          '(FILE_PER_APP, FILE_PER_CHART, FILE_PER_RESOURCE, FOLDER_PER_CHART_FILE_PER_RESOURCE). Use App for it.',
        );
    }

    if (this.recordMetadata) {
      const resources: { [name: string]: { path: string } } = {};
      for (const object of this.charts.flatMap(chartObjects)) {
        resources[object.name] = { path: object.node.path };
      }
      fs.writeFileSync(path.join(this.outdir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources }));
    }
  }

  /**
   * Synthesizes the app into one YAML string, as `App.synthYaml()` does, validating
   * every construct once.
   *
   * @returns A string with all YAML objects across all charts in this app.
   */
  public synthYaml(): string {
    const tree = new TreeCache();
    resolveAllDependencies(this, tree);
    validateAll(this, tree);
    const docs: any[] = [];
    for (const chart of this.charts) docs.push(...Object.values(chartJson(chart)));
    return Yaml.stringify(...docs);
  }
}

/** `node.findAll()` memoized for one synthesis, as cdk8s's SynthRequestCache. */
class TreeCache {
  private readonly cache = new Map<Node, IConstruct[]>();

  public findAll(node: Node): IConstruct[] {
    let all = this.cache.get(node);
    if (!all) {
      all = node.findAll();
      this.cache.set(node, all);
    }
    return all;
  }
}

/** Runs every construct's validations once; throws cdk8s's message on any error. */
function validateAll(app: App, tree: TreeCache): void {
  const errors: string[] = [];
  for (const child of tree.findAll(app.node)) {
    for (const error of child.node.validate()) errors.push(`[${child.node.path}] ${error}`);
  }
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

function collectDependencies(app: App, tree: TreeCache): Array<{ source: IConstruct; target: IConstruct }> {
  const deps: Array<{ source: IConstruct; target: IConstruct }> = [];
  for (const child of tree.findAll(app.node)) {
    for (const dep of child.node.dependencies) deps.push({ source: child, target: dep });
  }
  return deps;
}

/**
 * Turns nested charts and cross-chart construct dependencies into chart and ApiObject
 * dependencies, as cdk8s does before rendering; returns whether any chart depends on another.
 */
function resolveAllDependencies(app: App, tree: TreeCache): boolean {
  let hasDependantCharts = false;
  for (const parent of tree.findAll(app.node).filter((x) => x instanceof Chart)) {
    for (const child of parent.node.children.filter((x) => x instanceof Chart)) {
      parent.node.addDependency(child);
      hasDependantCharts = true;
    }
  }
  for (const dep of collectDependencies(app, tree)) {
    const sourceChart = Chart.of(dep.source);
    const targetChart = Chart.of(dep.target);
    if (sourceChart !== targetChart) {
      sourceChart.node.addDependency(targetChart);
      hasDependantCharts = true;
    }
  }
  for (const dep of collectDependencies(app, tree)) {
    const sourceChart = Chart.of(dep.source);
    const targetChart = Chart.of(dep.target);
    const targets = tree.findAll(dep.target.node).filter((c) => c instanceof ApiObject && Chart.of(c) === targetChart);
    const sources = tree.findAll(dep.source.node).filter((c) => c instanceof ApiObject && Chart.of(c) === sourceChart);
    for (const target of targets) {
      for (const source of sources) {
        if (target !== source) source.node.addDependency(target);
      }
    }
  }
  return hasDependantCharts;
}

/** The chart's own ApiObjects (not those of nested charts), in dependency order. */
function chartObjects(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node).topology()
    .filter((x): x is ApiObject => x instanceof ApiObject)
    .filter((x) => Chart.of(x) === chart);
}

/** What `chart.toJson()` returns, without re-validating the app; a chart's own `toJson()` override is honoured. */
function chartJson(chart: Chart): any[] {
  if (chart.toJson !== Chart.prototype.toJson) return chart.toJson();
  return chartObjects(chart).map((o) => takeRenderedJson(o) ?? o.toJson());
}

/** cdk8s's chart file and folder names: `0000-` index prefixes once any chart depends on another. */
function chartNamer(indexed: boolean): (chart: Chart) => string {
  let index = 0;
  return (chart) => {
    const name = Names.toDnsLabel(chart);
    if (!indexed) return name;
    return `${(index++).toString().padStart(4, '0')}-${name}`;
  };
}

function resourceFileName(kind: string, name: string | undefined): string {
  return `${kind}.${name}`.replace(/[^0-9a-zA-Z-_.]/g, '');
}
