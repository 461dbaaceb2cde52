import { payloadOf } from '../../core/graphql/payload.js';
import { StoreNode } from './store.type.js';

export const StoreCreatePayload = payloadOf('storeCreate', 'store', StoreNode, 'new store');
export const StoreUpdatePayload = payloadOf('storeUpdate', 'store', StoreNode, 'changed store');
