/** The channel through which a member was reached or acted. Shared by members, touchpoints and orders. */
export enum Channel {
  WEB = 'WEB',
  APP = 'APP',
  MARKETPLACE = 'MARKETPLACE',
  CHAT = 'CHAT',
  PHONE = 'PHONE',
  EMAIL = 'EMAIL',
  SMS = 'SMS',
  PUSH = 'PUSH',
  SOCIAL = 'SOCIAL',
  PARCEL = 'PARCEL',
  STORE = 'STORE',
}
