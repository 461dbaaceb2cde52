/** What an ANALYST key sees instead of personal data. */
export function maskPhone(phone: string): string {
  return phone.length <= 7 ? '*'.repeat(phone.length) : `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

export const MASKED = '***';

/** A card number (or other account number) down to its last four characters. */
export function maskCardNumber(number: string): string {
  return `${MASKED}${number.slice(-4)}`;
}
