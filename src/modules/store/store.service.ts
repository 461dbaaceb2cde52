import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { GraphQLContext } from '../../core/context.js';
import { tenantIdOf } from '../../core/context.js';
import { fail, ok, userError, UserErrorCode, type Outcome, type UserError } from '../../core/errors.js';
import type { Page, PageRequest } from '../../core/relay/connection.js';
import { idOf } from '../../core/relay/global-id.js';
import { paginate } from '../../core/relay/paginate.js';
import { optionalText, requiredText } from '../../core/validation.js';
import { Store } from './store.entity.js';
import type { StoreCreateInput, StoreUpdateInput } from './store.inputs.js';

const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class StoreService {
  constructor(private readonly ctx: GraphQLContext) {}

  async findByGlobalId(globalId: string): Promise<Store | null> {
    const id = idOf(globalId, 'Store');
    return id ? this.ctx.em.findOne(Store, { id }) : null;
  }

  list(page: PageRequest): Promise<Page<Store>> {
    return paginate(this.ctx.em, Store, {}, page, { code: 'asc', id: 'asc' });
  }

  async create(input: StoreCreateInput): Promise<Outcome<Store>> {
    const errors: UserError[] = [];
    const code = input.code.trim();
    if (!CODE.test(code)) {
      errors.push(userError(['input', 'code'], 'code must be 1 to 64 letters, digits, ".", "-" or "_"', UserErrorCode.INVALID));
    }
    const name = requiredText(errors, ['input', 'name'], input.name, 200);
    const region = optionalText(errors, ['input', 'region'], input.region, 200);
    if (errors.length) return fail(...errors);
    const store = new Store(tenantIdOf(this.ctx), code, name, input.type);
    store.region = region ?? undefined;
    try {
      await this.ctx.em.persistAndFlush(store);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        return fail(userError(['input', 'code'], `a store with code "${code}" already exists`, UserErrorCode.TAKEN));
      }
      throw error;
    }
    return ok(store);
  }

  async update(input: StoreUpdateInput): Promise<Outcome<Store>> {
    const store = await this.findByGlobalId(input.id);
    if (!store) return fail(userError(['input', 'id'], 'no store has this id', UserErrorCode.NOT_FOUND));
    const errors: UserError[] = [];
    const name = input.name === undefined || input.name === null ? undefined : requiredText(errors, ['input', 'name'], input.name, 200);
    const region = optionalText(errors, ['input', 'region'], input.region, 200);
    if (errors.length) return fail(...errors);
    if (name !== undefined) store.name = name;
    if (input.type) store.type = input.type;
    if (region !== undefined) store.region = region ?? undefined;
    await this.ctx.em.flush();
    return ok(store);
  }
}
