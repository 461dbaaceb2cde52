import { UserErrorCode, userError, type UserError } from './errors.js';

/** Trims a required text input and checks its length; pushes a userError when it is off. */
export function requiredText(errors: UserError[], field: string[], value: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed) errors.push(userError(field, `${field[field.length - 1]} must not be blank`, UserErrorCode.INVALID));
  else if (trimmed.length > max) errors.push(userError(field, `${field[field.length - 1]} must be at most ${max} characters`, UserErrorCode.TOO_LONG));
  return trimmed;
}

/** Like requiredText, but blank or null means "none". */
export function optionalText(errors: UserError[], field: string[], value: string | null | undefined, max: number): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const trimmed = value.trim();
  if (!trimmed) return null;
  if (trimmed.length > max) {
    errors.push(userError(field, `${field[field.length - 1]} must be at most ${max} characters`, UserErrorCode.TOO_LONG));
  }
  return trimmed;
}
