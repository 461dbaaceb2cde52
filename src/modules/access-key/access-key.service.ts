import type { EntityManager } from '@mikro-orm/postgresql';
import { generateAccessKey } from '../../core/auth/authenticator.js';
import type { Role } from '../../core/auth/role.js';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, ok, userError, UserErrorCode, type Outcome, type UserError } from '../../core/errors.js';
import type { Page, PageRequest } from '../../core/relay/connection.js';
import { idOf } from '../../core/relay/global-id.js';
import { paginate } from '../../core/relay/paginate.js';
import { requiredText } from '../../core/validation.js';
import { AccessKey } from './access-key.entity.js';

export interface IssuedKey {
  accessKey: AccessKey;
  /** The secret key; shown once, never stored. */
  key: string;
}

/** Creates a key; shared by the API and the `ecrm key create` command. */
export async function issueAccessKey(em: EntityManager, tenantId: string, role: Role, name: string): Promise<IssuedKey> {
  const { key, prefix, hash } = generateAccessKey();
  const accessKey = new AccessKey(tenantId, name, role, prefix, hash);
  await em.persistAndFlush(accessKey);
  return { accessKey, key };
}

export class AccessKeyService {
  constructor(private readonly ctx: GraphQLContext) {}

  list(page: PageRequest): Promise<Page<AccessKey>> {
    return paginate(this.ctx.em, AccessKey, {}, page, { createdAt: 'desc', id: 'desc' });
  }

  async findByGlobalId(globalId: string): Promise<AccessKey | null> {
    const id = idOf(globalId, 'AccessKey');
    return id ? this.ctx.em.findOne(AccessKey, { id }) : null;
  }

  async create(role: Role, rawName: string): Promise<Outcome<IssuedKey>> {
    const errors: UserError[] = [];
    const name = requiredText(errors, ['input', 'name'], rawName, 100);
    if (errors.length) return fail(...errors);
    return ok(await issueAccessKey(this.ctx.em, tenantIdOf(this.ctx), role, name));
  }

  async revoke(globalId: string): Promise<Outcome<AccessKey>> {
    const key = await this.findByGlobalId(globalId);
    if (!key) return fail(userError(['input', 'id'], 'no access key has this id', UserErrorCode.NOT_FOUND));
    if (!key.active) return fail(userError(['input', 'id'], 'this key is already revoked', UserErrorCode.ALREADY_REVOKED));
    key.revoke();
    await this.ctx.em.flush();
    this.ctx.app.authenticator.forgetKey(key.id);
    return ok(key);
  }
}
