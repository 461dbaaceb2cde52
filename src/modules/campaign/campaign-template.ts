/**
 * Message templates: plain text with `{{variable}}` placeholders, filled in per member when the message
 * is sent. Rendering is SQL (nested replace over the batch), so a million messages render in the
 * database without a round trip per member; this file checks templates and writes that expression.
 */

/** The variables a template may use, with what they become. */
export const TEMPLATE_VARIABLES = {
  name: 'the member’s display name (empty when unknown)',
  points: 'the member’s points balance',
  tier: 'the member’s tier name (empty without a tier)',
  coupon_code: 'the code of the coupon issued with this message (COUPON and LOTTERY offers)',
  prize: 'the LOTTERY prize drawn for the member (empty when none)',
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export interface TemplateCheck {
  /** The template with placeholders written canonically (`{{ name }}` becomes `{{name}}`). */
  text: string;
  variables: TemplateVariable[];
  problems: string[];
}

/** Checks a template: every placeholder names a known variable, and no brace is left unpaired. */
export function checkTemplate(raw: string): TemplateCheck {
  const problems: string[] = [];
  const variables = new Set<TemplateVariable>();
  const text = raw.replace(PLACEHOLDER, (match, name: string) => {
    if (!(name in TEMPLATE_VARIABLES)) {
      problems.push(`unknown variable {{${name}}}; known: ${Object.keys(TEMPLATE_VARIABLES).join(', ')}`);
      return match;
    }
    variables.add(name as TemplateVariable);
    return `{{${name}}}`;
  });
  if (/\{\{|\}\}/.test(text.replace(PLACEHOLDER, ''))) problems.push('a "{{" or "}}" is not part of a {{variable}}');
  return { text, variables: [...variables], problems };
}

/** Per-member values the rendering expression reads, as SQL expressions over the batch's row. */
export interface RenderColumns {
  name: string;
  points: string;
  tier: string;
  coupon_code: string;
  prize: string;
}

/**
 * A SQL expression rendering the template held by `templateSql` (a parameter or column) with the
 * given per-member columns. Templates are canonical (checkTemplate), so plain replace() is exact.
 */
export function renderSql(templateSql: string, columns: RenderColumns): string {
  let sql = templateSql;
  for (const name of Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[]) {
    sql = `replace(${sql}, '{{${name}}}', coalesce((${columns[name]})::text, ''))`;
  }
  return sql;
}
