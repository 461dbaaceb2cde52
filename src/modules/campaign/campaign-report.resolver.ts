import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS } from '../../core/auth/viewer.js';
import { CampaignQueryService } from './campaign-query.service.js';
import { CampaignReportsArgs } from './campaign.inputs.js';
import { CampaignReportService } from './campaign-report.service.js';
import { CampaignReportConnection, CampaignReportNode } from './campaign-report.type.js';
import { CampaignNode } from './campaign.type.js';

@Resolver(() => CampaignNode)
export class CampaignReportFieldResolver {
  @Authorized(READERS)
  @FieldResolver(() => CampaignReportNode, { nullable: true, description: 'What the campaign achieved, treatment against control; optionally only over deliveries planned in [since, until).' })
  async report(
    @Root() campaign: CampaignNode,
    @Ctx() ctx: GraphQLContext,
    @Arg('since', () => Date, { nullable: true, description: 'Deliveries planned at or after this.' }) since?: Date | null,
    @Arg('until', () => Date, { nullable: true, description: 'Deliveries planned before this.' }) until?: Date | null,
  ): Promise<CampaignReportNode | null> {
    const report = await new CampaignReportService(ctx).report(campaign.dbId, { since: since ?? null, until: until ?? null });
    return report && CampaignReportNode.from(report);
  }
}

@Resolver(() => CampaignReportNode)
export class CampaignReportResolver {
  @Authorized(READERS)
  @Query(() => CampaignReportConnection, { description: 'For BI: every campaign with deliveries planned in [since, until), newest first, with its report over that period.' })
  async campaignReports(@Args() args: CampaignReportsArgs, @Ctx() ctx: GraphQLContext) {
    return CampaignReportConnection.from(await new CampaignReportService(ctx).period(args), CampaignReportNode.from);
  }

  @Authorized(READERS)
  @FieldResolver(() => CampaignNode, { nullable: true, description: 'The campaign.' })
  async campaign(@Root() report: CampaignReportNode, @Ctx() ctx: GraphQLContext): Promise<CampaignNode | null> {
    const campaign = await new CampaignQueryService(ctx).byId(report.campaignDbId);
    return campaign && CampaignNode.from(campaign);
  }
}
