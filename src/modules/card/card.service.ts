import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { masksPersonalData } from '../../core/auth/viewer.js';
import { maskCardNumber } from '../member/member.masking.js';
import { memberById } from '../member/member.loaders.js';
import { loyaltyProgram } from '../points/loyalty-program.js';
import { checkCardCode, signCardCode } from './card-code.js';
import { cardNumberByMember } from './card.loaders.js';
import { CardCodeStatus, CardScanNode, MembershipCardNode } from './card.type.js';

/** The membership card: its number, its barcode, and scanning one back into a member. */
export class CardService {
  constructor(private readonly ctx: GraphQLContext) {}

  private async secret(): Promise<string> {
    const secret = await this.ctx.app.authenticator.tenantSecret(tenantIdOf(this.ctx));
    if (!secret) throw new Error('tenant has no token secret');
    return secret;
  }

  /** The member a member token speaks for: a token issued before a merge speaks for the survivor (merges are one hop). */
  private async tokenMemberId(): Promise<string | null> {
    if (this.ctx.viewer.kind !== 'member') return null;
    const member = await this.ctx.loaders.get(memberById).load(this.ctx.viewer.memberId);
    return member?.mergedIntoId ?? member?.id ?? null;
  }

  async card(memberId: string): Promise<MembershipCardNode | null> {
    const number = await this.ctx.loaders.get(cardNumberByMember).load(memberId);
    if (!number) return null;
    const own = this.ctx.viewer.kind === 'member' && (await this.tokenMemberId()) === memberId;
    let barcodePayload: string | null = null;
    let barcodeExpiresAt: Date | null = null;
    if (own) {
      const program = await loyaltyProgram(this.ctx);
      barcodeExpiresAt = new Date(Date.now() + program.cardCodeTtlSeconds * 1000);
      barcodePayload = signCardCode(await this.secret(), number, barcodeExpiresAt);
    }
    const shown = masksPersonalData(this.ctx.viewer) ? maskCardNumber(number) : number;
    return Object.assign(new MembershipCardNode(), { memberDbId: memberId, number: shown, barcodePayload, barcodeExpiresAt });
  }

  /** A scanned code back to its member; a forged or foreign code reveals nothing, an expired one no member. */
  async scan(code: string): Promise<CardScanNode> {
    const checked = checkCardCode(await this.secret(), code);
    const invalid = Object.assign(new CardScanNode(), { status: CardCodeStatus.INVALID, memberDbId: null, expiresAt: null });
    if (checked.status === 'INVALID') return invalid;
    if (checked.status === 'EXPIRED') return Object.assign(new CardScanNode(), { status: CardCodeStatus.EXPIRED, memberDbId: null, expiresAt: checked.expiresAt });
    const [row] = await this.ctx.em.execute<{ member_id: string }[]>(
      `select i.member_id from member_identity i join member m on m.id = i.member_id and m.tenant_id = i.tenant_id
        where i.tenant_id = ? and i.channel = 'MEMBER_CARD' and i.external_id = ? and m.status = 'ACTIVE'`,
      [tenantIdOf(this.ctx), checked.cardNumber],
    );
    if (!row) return invalid;
    return Object.assign(new CardScanNode(), { status: CardCodeStatus.VALID, memberDbId: row.member_id, expiresAt: checked.expiresAt });
  }
}
