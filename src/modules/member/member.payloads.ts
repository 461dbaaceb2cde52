import { payloadOf } from '../../core/graphql/payload.js';
import { MemberNode } from './member.type.js';

export const MemberCreatePayload = payloadOf('memberCreate', 'member', MemberNode, 'new member');
export const MemberUpdatePayload = payloadOf('memberUpdate', 'member', MemberNode, 'changed member');
export const MemberTagsAddPayload = payloadOf('memberTagsAdd', 'member', MemberNode);
export const MemberTagsRemovePayload = payloadOf('memberTagsRemove', 'member', MemberNode);
export const MemberIdentityBindPayload = payloadOf('memberIdentityBind', 'member', MemberNode);
export const MemberIdentityUnbindPayload = payloadOf('memberIdentityUnbind', 'member', MemberNode);
export const MemberConsentSetPayload = payloadOf('memberConsentSet', 'member', MemberNode);
export const MemberMergePayload = payloadOf('memberMerge', 'member', MemberNode, 'surviving member');
export const MemberErasePayload = payloadOf('memberErase', 'member', MemberNode, 'erased member (a tombstone)');
