import { registerEnumType } from 'type-graphql';
import { Channel } from '../channel.js';
import { Role } from '../auth/role.js';

registerEnumType(Channel, { name: 'Channel', description: 'The channel through which a member was reached or acted.' });
registerEnumType(Role, {
  name: 'Role',
  description: 'What an access key may do.',
  valuesConfig: {
    OWNER: { description: 'Everything, including access keys.' },
    ADMIN: { description: 'All data and settings; no access keys.' },
    ANALYST: { description: 'Read only; phone, e-mail, address and birthday are masked.' },
    INGEST: { description: 'Writes events and orders only.' },
  },
});
