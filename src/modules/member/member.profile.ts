import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { userError, UserErrorCode, type UserError } from '../../core/errors.js';
import { optionalText } from '../../core/validation.js';
import type { Channel } from '../../core/channel.js';
import type { Gender } from './member.enums.js';

/** Phone in E.164, read with the tenant's country for numbers given without a country code. */
export function normalizePhone(value: string, countryCode: string): string | undefined {
  const parsed = parsePhoneNumberFromString(value.trim(), countryCode as CountryCode);
  return parsed && parsed.isValid() ? parsed.number : undefined;
}

// Deliberately plain: one @, no spaces, a dot in the domain. Deliverability is the mailer's business.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

export function normalizeEmail(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  return email.length <= 254 && EMAIL.test(email) ? email : undefined;
}

/** Profile fields a client may set; `undefined` leaves a field alone and `null` clears it. */
export interface ProfileInput {
  displayName?: string | null;
  gender?: Gender | null;
  birthday?: string | null;
  phone?: string | null;
  email?: string | null;
  province?: string | null;
  city?: string | null;
  address?: string | null;
  registeredChannel?: Channel | null;
}

export type Profile = { [K in keyof ProfileInput]: ProfileInput[K] };

function birthday(errors: UserError[], value: string | null | undefined, today = new Date()): string | null | undefined {
  if (value === undefined || value === null) return value;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.getTime() > today.getTime() || date.getUTCFullYear() < 1900) {
    errors.push(userError(['input', 'birthday'], 'birthday must be a date between 1900-01-01 and today', UserErrorCode.INVALID));
  }
  return value;
}

/** Validates and normalises profile fields, collecting userErrors for what is off. */
export function readProfile(input: ProfileInput, countryCode: string, errors: UserError[]): Profile {
  const profile: Profile = {
    displayName: optionalText(errors, ['input', 'displayName'], input.displayName, 100),
    gender: input.gender,
    birthday: birthday(errors, input.birthday),
    province: optionalText(errors, ['input', 'province'], input.province, 100),
    city: optionalText(errors, ['input', 'city'], input.city, 100),
    address: optionalText(errors, ['input', 'address'], input.address, 500),
    registeredChannel: input.registeredChannel,
  };
  if (input.phone !== undefined) {
    profile.phone = input.phone === null || input.phone.trim() === '' ? null : normalizePhone(input.phone, countryCode);
    if (profile.phone === undefined) {
      errors.push(userError(['input', 'phone'], 'phone is not a valid phone number', UserErrorCode.INVALID_PHONE));
    }
  }
  if (input.email !== undefined) {
    profile.email = input.email === null || input.email.trim() === '' ? null : normalizeEmail(input.email);
    if (profile.email === undefined) {
      errors.push(userError(['input', 'email'], 'email is not a valid e-mail address', UserErrorCode.INVALID_EMAIL));
    }
  }
  return profile;
}

const TAG = /^[^\s,][^,]{0,63}$/;

/** Tags are trimmed, 1 to 64 characters, no commas; duplicates collapse. */
export function readTags(errors: UserError[], field: string[], tags: string[]): string[] {
  const clean = new Set<string>();
  for (const raw of tags) {
    const tag = raw.trim();
    if (!TAG.test(tag)) errors.push(userError(field, `tag "${raw}" must be 1 to 64 characters without commas`, UserErrorCode.INVALID));
    else clean.add(tag);
  }
  if (clean.size > 100) errors.push(userError(field, 'at most 100 tags at a time', UserErrorCode.INVALID));
  return [...clean];
}
