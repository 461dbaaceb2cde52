/** What an access key may do. */
export enum Role {
  /** Everything, including access keys. */
  OWNER = 'OWNER',
  /** All data and settings; no access keys. */
  ADMIN = 'ADMIN',
  /** Read only; phone, e-mail, address and birthday are masked. */
  ANALYST = 'ANALYST',
  /** Writes events and orders only. */
  INGEST = 'INGEST',
}

export const ALL_ROLES = Object.values(Role);
