import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, rollbackAsFailure, RollbackWith, userError, UserErrorCode, type Outcome, type UserError } from '../../core/errors.js';
import { pageRequest, type Page } from '../../core/relay/connection.js';
import { idOf } from '../../core/relay/global-id.js';
import { paginate } from '../../core/relay/paginate.js';
import { loyaltyProgram } from '../points/loyalty-program.js';
import { cleanTier, type CleanTier } from './tier-input.js';
import { replaceMembersOf, upgradeReachingMembers } from './tier-program-change.js';
import { Tier } from './tier.entity.js';
import type { TierCreateInput, TierRetireInput, TiersArgs, TierUpdateInput } from './tier.inputs.js';

const MAX_ACTIVE_TIERS = 20;

const notFound = () => userError(['input', 'id'], 'no tier has this id', UserErrorCode.NOT_FOUND);

/** Serialises changes to a tenant's tier definitions, so "thresholds of active tiers differ" holds under concurrency. */
async function lockTierDefinitions(em: EntityManager, tenantId: string): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`tier-definitions:${tenantId}`]);
}

/** Tier definitions: create, change, retire, list. */
export class TierService {
  constructor(private readonly ctx: GraphQLContext) {}

  list(args: TiersArgs): Promise<Page<Tier>> {
    return paginate(this.ctx.em, Tier, args.includeRetired ? {} : { retiredAt: null }, pageRequest(args), { threshold: 'asc', id: 'asc' });
  }

  async findByGlobalId(globalId: string): Promise<Tier | null> {
    const id = idOf(globalId, 'Tier');
    return id ? this.ctx.em.findOne(Tier, { id }) : null;
  }

  async create(input: TierCreateInput): Promise<Outcome<Tier>> {
    const errors: UserError[] = [];
    const clean = cleanTier(input, errors);
    if (errors.length) return fail(...errors);
    const tenantId = tenantIdOf(this.ctx);
    const outcome = await this.write(async (em) => {
      if ((await em.count(Tier, { retiredAt: null })) >= MAX_ACTIVE_TIERS) {
        throw new RollbackWith(userError(['input'], `a tenant has at most ${MAX_ACTIVE_TIERS} active tiers; retire one first`, UserErrorCode.LIMIT_REACHED));
      }
      await this.checkUnique(em, clean, null);
      const tier = Object.assign(new Tier(), { tenantId, benefits: [] }, clean);
      em.persist(tier);
      return tier;
    });
    if (outcome.ok) await upgradeReachingMembers(this.ctx.em, await loyaltyProgram(this.ctx), tenantId, outcome.value.threshold, new Date());
    return outcome;
  }

  async update(input: TierUpdateInput): Promise<Outcome<Tier>> {
    const errors: UserError[] = [];
    const clean = cleanTier(input, errors);
    if (errors.length) return fail(...errors);
    const id = idOf(input.id, 'Tier');
    if (!id) return fail(notFound());
    let moved = false;
    const outcome = await this.write(async (em) => {
      const tier = await this.lockActive(em, id);
      await this.checkUnique(em, clean, tier);
      moved = clean.threshold !== undefined && clean.threshold !== tier.threshold;
      Object.assign(tier, clean, { updatedAt: new Date() });
      return tier;
    });
    if (outcome.ok && moved) await upgradeReachingMembers(this.ctx.em, await loyaltyProgram(this.ctx), tenantIdOf(this.ctx), outcome.value.threshold, new Date());
    return outcome;
  }

  async retire(input: TierRetireInput): Promise<Outcome<Tier>> {
    const id = idOf(input.id, 'Tier');
    if (!id) return fail(notFound());
    const now = new Date();
    const outcome = await this.write(async (em) => {
      const tier = await this.lockActive(em, id);
      Object.assign(tier, { retiredAt: now, updatedAt: now });
      return tier;
    });
    // Should this stop half-way, the next review re-places whoever is left in the retired tier.
    if (outcome.ok) await replaceMembersOf(this.ctx.em, await loyaltyProgram(this.ctx), tenantIdOf(this.ctx), id, now);
    return outcome;
  }

  /** Runs a definition change in a transaction under the tenant's tier lock; a code that slipped past the check is still TAKEN. */
  private async write(work: (em: EntityManager) => Promise<Tier>): Promise<Outcome<Tier>> {
    try {
      return await rollbackAsFailure(() =>
        this.ctx.em.transactional(async (em) => {
          await lockTierDefinitions(em, tenantIdOf(this.ctx));
          return work(em);
        }),
      );
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return fail(userError(['input', 'code'], 'a tier with this code already exists', UserErrorCode.TAKEN));
      throw error;
    }
  }

  private async lockActive(em: EntityManager, id: string): Promise<Tier> {
    const tier = await em.findOne(Tier, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!tier) throw new RollbackWith(notFound());
    if (tier.retiredAt) throw new RollbackWith(userError(['input', 'id'], `tier "${tier.code}" is retired and cannot change`, UserErrorCode.INACTIVE));
    return tier;
  }

  private async checkUnique(em: EntityManager, clean: CleanTier, self: Tier | null): Promise<void> {
    const errors: UserError[] = [];
    const other = self ? { id: { $ne: self.id } } : {};
    if (clean.code !== undefined && clean.code !== self?.code && (await em.findOne(Tier, { code: clean.code, ...other }))) {
      errors.push(userError(['input', 'code'], `a tier with code "${clean.code}" already exists (retired tiers keep their codes)`, UserErrorCode.TAKEN));
    }
    if (clean.threshold !== undefined && clean.threshold !== self?.threshold) {
      const clash = await em.findOne(Tier, { threshold: clean.threshold, retiredAt: null, ...other });
      if (clash) errors.push(userError(['input', 'threshold'], `tier "${clash.code}" already has threshold ${clean.threshold}; active tiers need different thresholds`, UserErrorCode.TAKEN));
    }
    if (errors.length) throw new RollbackWith(...errors);
  }
}
