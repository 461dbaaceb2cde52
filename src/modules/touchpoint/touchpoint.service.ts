import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, ok, userError, UserErrorCode, type Outcome } from '../../core/errors.js';
import { pageRequest, type Page, type PageArgs } from '../../core/relay/connection.js';
import { idOf } from '../../core/relay/global-id.js';
import { paginate } from '../../core/relay/paginate.js';
import { optionalText } from '../../core/validation.js';
import { Touchpoint, TouchpointCustomType } from './touchpoint.entity.js';
import { touchpointFilter } from './touchpoint.filters.js';
import type { TouchpointFilterArgs, TouchpointTypeCreateInput } from './touchpoint.inputs.js';
import { TOUCHPOINT_ORDER, touchpointPagesByMember } from './touchpoint.loaders.js';

const CUSTOM_TYPE = /^[a-z][a-z0-9._-]{0,63}$/;

export class TouchpointService {
  constructor(private readonly ctx: GraphQLContext) {}

  async findByGlobalId(globalId: string): Promise<Touchpoint | null> {
    const id = idOf(globalId, 'Touchpoint');
    return id ? this.ctx.em.findOne(Touchpoint, { id }) : null;
  }

  list(args: TouchpointFilterArgs): Promise<Page<Touchpoint>> {
    return paginate(this.ctx.em, Touchpoint, touchpointFilter(args).where, pageRequest(args as PageArgs), TOUCHPOINT_ORDER);
  }

  /** A member's touchpoints, newest first; first pages of many members load in one query. */
  forMember(memberId: string, args: TouchpointFilterArgs): Promise<Page<Touchpoint>> {
    const page = pageRequest(args as PageArgs);
    const filter = touchpointFilter(args);
    if (page.first !== undefined && !page.after) {
      return this.ctx.loaders.get(touchpointPagesByMember).load({ memberId, filter, first: page.first });
    }
    return paginate(this.ctx.em, Touchpoint, { $and: [{ memberId }, filter.where] }, page, TOUCHPOINT_ORDER);
  }

  customTypes(): Promise<TouchpointCustomType[]> {
    return this.ctx.em.find(TouchpointCustomType, {}, { orderBy: { name: 'asc' } });
  }

  async createCustomType(input: TouchpointTypeCreateInput): Promise<Outcome<TouchpointCustomType>> {
    const name = input.name.trim();
    const errors = [];
    if (!CUSTOM_TYPE.test(name)) {
      errors.push(userError(['input', 'name'], 'name must start with a lower case letter and hold only a-z, 0-9, ".", "_", "-" (up to 64)', UserErrorCode.INVALID));
    }
    const description = optionalText(errors, ['input', 'description'], input.description, 500);
    if (errors.length) return fail(...errors);
    const type = new TouchpointCustomType(tenantIdOf(this.ctx), name, description);
    try {
      await this.ctx.em.persistAndFlush(type);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        return fail(userError(['input', 'name'], `custom type "${name}" already exists`, UserErrorCode.TAKEN));
      }
      throw error;
    }
    return ok(type);
  }
}
