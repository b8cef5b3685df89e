import { PropContext } from '../errors';
import { checkIniName, checkIniValue } from '../strings';

/** A value of grafana.ini. */
export type IniValue = string | number | boolean;

/** A grafana.ini setting whose value Grafana reads from a Kubernetes Secret through its GF_* variable. */
export interface SecretSetting {
  readonly section: string;
  readonly key: string;
  readonly secretName: string;
  readonly secretKey: string;
}

/** A ConfigMap or Secret that Grafana must see as files. */
export interface FileMount {
  /** Volume name in the pod. */
  readonly name: string;
  readonly mountPath: string;
  readonly configMapName?: string;
  readonly secretName?: string;
}

/**
 * What Grafana must be told, independent of how it is delivered: grafana.ini
 * sections, settings that come from Secrets, and files to mount.
 *
 * Every output form (chart values, GF_* variables, grafana-operator config,
 * the managed Deployment) is rendered from one of these.
 */
export interface GrafanaConfigModel {
  readonly sections: Readonly<Record<string, Readonly<Record<string, IniValue>>>>;
  readonly secretSettings: readonly SecretSetting[];
  readonly mounts: readonly FileMount[];
  /**
   * Secrets whose every key becomes an environment variable of the Grafana container
   * (`envFrom`). Their keys are meant to be `GF_<SECTION>_<KEY>` overrides, which Grafana
   * reads in preference to grafana.ini. Absent or empty: none.
   */
  readonly envFromSecrets?: readonly string[];
}

/** Options of `GrafanaConfigBuilder.set`. */
export interface IniSetOptions {
  /** The user opted in (a prop ending in `Unsafe`) to `{{ }}` that the Grafana chart evaluates with `tpl`. */
  readonly helmTemplatesUnsafe?: boolean;
}

/**
 * Collects settings from several sources (auth flow, server, user overrides) and
 * refuses two sources that disagree on one key, instead of letting the last win.
 */
export class GrafanaConfigBuilder {
  private readonly sections = new Map<string, Map<string, { value: IniValue; source: string }>>();
  private readonly secrets: SecretSetting[] = [];
  private readonly mounts: FileMount[] = [];
  private readonly envFromSecretNames: string[] = [];

  /**
   * Sets a key; `source` names who asked, for the conflict message. Every name and string
   * value is checked for what grafana.ini treats as structure (src/strings.ts), whoever set it:
   * the value objects check first with their exact prop, this is the backstop.
   */
  public set(ctx: PropContext, section: string, key: string, value: IniValue, source: string, options: IniSetOptions = {}): this {
    checkIniName(ctx, section, 'section');
    checkIniName(ctx, key, 'key');
    if (typeof value === 'string') checkIniValue(ctx, value, { templatesUnsafe: options.helmTemplatesUnsafe });
    const keys = this.sections.get(section) ?? new Map();
    this.sections.set(section, keys);
    const existing = keys.get(key);
    if (existing && existing.value !== value) {
      ctx.fail(
        { [`${section}.${key}`]: value },
        `[${section}] ${key} is already set to ${JSON.stringify(existing.value)} by ${existing.source}`,
        `remove the ${source} setting, or change ${existing.source} instead`,
      );
    }
    keys.set(key, { value, source });
    return this;
  }

  /** Sets every key of a section map. */
  public setAll(ctx: PropContext, settings: Record<string, Record<string, IniValue>>, source: string, options: IniSetOptions = {}): this {
    for (const [section, keys] of Object.entries(settings)) {
      for (const [key, value] of Object.entries(keys)) this.set(ctx, section, key, value, source, options);
    }
    return this;
  }

  public setFromSecret(setting: SecretSetting): this {
    this.secrets.push(setting);
    return this;
  }

  public mount(mount: FileMount): this {
    this.mounts.push(mount);
    return this;
  }

  /** Adds every key of a Secret to Grafana's environment (`envFrom`); keys should be GF_* overrides. */
  public envFromSecret(secretName: string): this {
    if (!this.envFromSecretNames.includes(secretName)) this.envFromSecretNames.push(secretName);
    return this;
  }

  public build(): GrafanaConfigModel {
    const sections: Record<string, Record<string, IniValue>> = {};
    for (const [section, keys] of this.sections) {
      sections[section] = Object.fromEntries([...keys].map(([key, { value }]) => [key, value]));
    }
    const model: GrafanaConfigModel = { sections, secretSettings: [...this.secrets], mounts: [...this.mounts] };
    return this.envFromSecretNames.length > 0 ? { ...model, envFromSecrets: [...this.envFromSecretNames] } : model;
  }
}

/**
 * Grafana's environment override name for a grafana.ini key: `GF_<SECTION>_<KEY>`,
 * upper-cased, with `.` and `-` turned into `_` (pkg/setting, envKey).
 */
export function grafanaEnvVarName(section: string, key: string): string {
  const part = (s: string) => s.toUpperCase().replace(/[.-]/g, '_');
  return `GF_${part(section)}_${part(key)}`;
}
