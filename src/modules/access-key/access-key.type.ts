import { Field, ObjectType } from 'type-graphql';
import { Node } from '../../core/relay/node.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { connectionOf } from '../../core/relay/connection.js';
import { Role } from '../../core/auth/role.js';
import type { AccessKey } from './access-key.entity.js';

@ObjectType('AccessKey', { simpleResolvers: true, implements: Node, description: 'An API key of your tenant. The secret is shown once, at creation.' })
export class AccessKeyNode extends Node {
  @Field({ description: 'What the key is for.' })
  name!: string;

  @Field(() => Role, { description: 'What the key may do.' })
  role!: Role;

  @Field({ description: 'Non-secret start of the key ("ecrm_<prefix>_..."), to tell keys apart.' })
  prefix!: string;

  @Field({ description: 'Whether the key still works.' })
  active!: boolean;

  @Field({ description: 'When the key was created.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the key was revoked.' })
  revokedAt!: Date | null;

  static from(key: AccessKey): AccessKeyNode {
    return Object.assign(new AccessKeyNode(), {
      id: toGlobalId('AccessKey', key.id),
      name: key.name,
      role: key.role,
      prefix: key.prefix,
      active: key.active,
      createdAt: key.createdAt,
      revokedAt: key.revokedAt ?? null,
    });
  }
}

export const AccessKeyConnection = connectionOf(AccessKeyNode, 'AccessKey', 'A page of access keys, newest first.');
export type AccessKeyConnection = InstanceType<typeof AccessKeyConnection>;
