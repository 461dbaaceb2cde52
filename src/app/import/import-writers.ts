import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { rescoreMembers } from '../../modules/churn/churn-rescore.js';
import { kickChurnOutbox } from '../../modules/churn/churn-feed.js';
import { Order } from '../../modules/order/order.entity.js';
import type { OrderRecordInput } from '../../modules/order/order.inputs.js';
import { OrderService } from '../../modules/order/order.service.js';
import { TouchpointIngestService } from '../../modules/touchpoint/touchpoint-ingest.service.js';
import { IngestStatus } from '../../modules/touchpoint/touchpoint.enums.js';
import type { TouchpointEventInput } from '../../modules/touchpoint/touchpoint.inputs.js';
import type { UserError } from '../../core/errors.js';

export type RecordStatus = 'accepted' | 'updated' | 'duplicate' | 'rejected';
export type WriteResult = { status: Exclude<RecordStatus, 'rejected'> } | { status: 'rejected'; reason: string };

/** Writes one batch through the domain services; answers each input, in order. */
export type BatchWriter<T> = (inputs: T[]) => Promise<WriteResult[]>;

/** A fresh context (and EntityManager fork) per batch or lane keeps memory flat over a long file. */
export type ContextFactory = () => GraphQLContext;

const describe = (errors: UserError[]) => errors.map((error) => `${error.code} ${error.field?.join('.') ?? ''}: ${error.message}`).join('; ');

export function touchpointWriter(context: ContextFactory): BatchWriter<TouchpointEventInput> {
  return async (inputs) => {
    const outcome = await new TouchpointIngestService(context()).record(inputs);
    if (!outcome.ok) throw new Error(describe(outcome.errors));
    return outcome.value.map((result): WriteResult => {
      if (result.status === IngestStatus.REJECTED) return { status: 'rejected', reason: `${result.code}: ${result.reason}` };
      return { status: result.status === IngestStatus.ACCEPTED ? 'accepted' : 'duplicate' };
    });
  };
}

// Orders are written one transaction each, so several lanes run at once. An external id always
// goes to the same lane, which keeps repeated recordings of one order in file order.
const LANES = 4;

function laneOf(externalId: string): number {
  let hash = 0;
  for (let i = 0; i < externalId.length; i += 1) hash = (hash * 31 + externalId.charCodeAt(i)) | 0;
  return Math.abs(hash) % LANES;
}

export function orderWriter(context: ContextFactory): BatchWriter<OrderRecordInput> {
  return async (inputs) => {
    const ids = inputs.map((input) => input.externalId.trim());
    // updatedAt of the orders already stored tells new from updated from unchanged.
    const stored = await context().em.find(Order, { externalId: { $in: [...new Set(ids)] } }, { fields: ['externalId', 'updatedAt'] });
    const lastUpdate = new Map(stored.map((order) => [order.externalId, order.updatedAt.getTime()]));
    const results: WriteResult[] = new Array(inputs.length);
    const buyers = new Set<string>();
    const lanes: number[][] = Array.from({ length: LANES }, () => []);
    ids.forEach((id, index) => lanes[laneOf(id)]!.push(index));
    await Promise.all(
      lanes.map(async (lane) => {
        if (!lane.length) return;
        for (const index of lane) {
          // A fresh fork per order: a long-lived one makes every flush walk all earlier orders.
          const outcome = await new OrderService(context(), { rescoreChurn: false }).record(inputs[index]!);
          if (!outcome.ok) {
            results[index] = { status: 'rejected', reason: describe(outcome.errors) };
            continue;
          }
          buyers.add(outcome.value.memberId);
          const before = lastUpdate.get(ids[index]!);
          const after = outcome.value.updatedAt.getTime();
          lastUpdate.set(ids[index]!, after);
          results[index] = { status: before === undefined ? 'accepted' : before === after ? 'duplicate' : 'updated' };
        }
      }),
    );
    // The batch's buyers, rescored together: one statement instead of one per order.
    const ctx = context();
    await rescoreMembers(ctx.em, tenantIdOf(ctx), [...buyers]);
    kickChurnOutbox();
    return results;
  };
}
