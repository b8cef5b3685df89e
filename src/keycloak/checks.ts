import { PropContext } from '../errors';
import { checkPlainText, TemplateConsumer } from '../strings';

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** Checks a key of a Secret's data. */
export function checkSecretKey(ctx: PropContext, raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 253 || !SECRET_KEY.test(raw) || raw === '.' || raw === '..') {
    return ctx.fail(raw, "a Secret key is 1-253 characters of letters, digits, '-', '_' and '.'", "use a key such as 'client-secret'");
  }
  return raw;
}

/**
 * Checks a plain, non-empty string without surrounding white space or control characters;
 * with `templates`, also without `{{` (the value reaches a chart that runs tpl).
 */
export function checkText(ctx: PropContext, raw: unknown, what: string, fix: string, templates?: TemplateConsumer): string {
  if (typeof raw !== 'string' || raw.trim() === '' || raw.trim() !== raw) {
    return ctx.fail(raw, `${what} must be a non-empty string without surrounding spaces`, fix);
  }
  return checkPlainText(ctx, raw, { templates });
}
