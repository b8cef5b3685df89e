import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, AppProps, Chart, DependencyGraph, Names, YamlOutputType } from 'cdk8s';
import { IConstruct, Node } from 'constructs';
import { saveYaml, stringifyYaml } from './yaml';
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
 * them with cdk8s's own `yaml` module and options, in the same files, order and bytes as
 * `App.synth()`. Everything runs on the calling thread: a worker thread that serialized
 * every other file lowered wall time but cost more CPU than it saved (structured clone of
 * every document, a second copy of cdk8s and yaml to load), docs/benchmarks.md.
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
    const order = renderOrder(this, tree);
    const charts = order.charts;
    const ext = this.outputFileExtension;

    switch (this.yamlOutputType) {
      case YamlOutputType.FILE_PER_APP: {
        const docs: any[] = [];
        for (const chart of charts) docs.push(...Object.values(chartJson(chart, order)));
        if (charts.length > 0) saveYaml(path.join(this.outdir, `app${ext}`), docs);
        break;
      }
      case YamlOutputType.FILE_PER_CHART: {
        const name = chartNamer(hasDependantCharts);
        // Each chart is rendered just before it is written: no file's objects outlive their file.
        for (const chart of charts) saveYaml(path.join(this.outdir, name(chart) + ext), Object.values(chartJson(chart, order)));
        break;
      }
      case YamlOutputType.FILE_PER_RESOURCE: {
        for (const chart of charts) {
          for (const object of Object.values(chartJson(chart, order))) {
            if (object === undefined) continue;
            saveYaml(path.join(this.outdir, resourceFileName(object.kind, object.metadata.name) + ext), [object]);
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
          for (const object of order.objects(chart)) {
            if (object === undefined) continue;
            saveYaml(path.join(folder, resourceFileName(object.kind, object.metadata.name) + ext), [takeRenderedJson(object) ?? object.toJson()]);
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
      for (const object of charts.flatMap((chart) => order.objects(chart))) {
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
    const order = renderOrder(this, tree);
    const docs: any[] = [];
    for (const chart of order.charts) docs.push(...Object.values(chartJson(chart, order)));
    return stringifyYaml(docs);
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

/** The charts in the order cdk8s writes them, and each chart's own ApiObjects in the order cdk8s renders them. */
interface RenderOrder {
  readonly charts: Chart[];
  objects(chart: Chart): ApiObject[];
}

/**
 * cdk8s orders charts (`App.charts`) and a chart's objects (`App._synthChart`) by the topology of a
 * `DependencyGraph`, which it builds from every construct below the node, keyed by construct path.
 * With no dependency edge in the app (nested charts are edges too, resolveAllDependencies), that
 * topology is the construct tree in pre-order: every vertex is a root, adopted in insertion order
 * (cdk8s/lib/dependency.js), except that the plain object keyed by path lists array-index-like keys
 * first, which only a top-level id can be, and constructs keeps children in a plain object keyed by
 * id, so the tree lists them first too. One walk of the tree then orders everything; with any
 * dependency, the graphs are built as cdk8s builds them.
 */
function renderOrder(app: App, tree: TreeCache): RenderOrder {
  const all = tree.findAll(app.node);
  if (all.some((c) => c.node.dependencies.length > 0)) {
    return { charts: app.charts, objects: chartObjects };
  }
  const charts: Chart[] = [];
  const objects = new Map<Chart, ApiObject[]>();
  for (const c of all) {
    if (c instanceof Chart) {
      charts.push(c);
      objects.set(c, []);
    } else if (c instanceof ApiObject) {
      // Chart.of: the innermost chart, as cdk8s's `Chart.of(x) === chart` filter.
      objects.get(c.chart)!.push(c);
    }
  }
  return { charts, objects: (chart) => objects.get(chart) ?? [] };
}

/** The chart's own ApiObjects (not those of nested charts), in dependency order. */
function chartObjects(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node).topology()
    .filter((x): x is ApiObject => x instanceof ApiObject)
    .filter((x) => Chart.of(x) === chart);
}

/** What `chart.toJson()` returns, without re-validating the app; a chart's own `toJson()` override is honoured. */
function chartJson(chart: Chart, order: RenderOrder): any[] {
  if (chart.toJson !== Chart.prototype.toJson) return chart.toJson();
  return order.objects(chart).map((o) => takeRenderedJson(o) ?? o.toJson());
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
