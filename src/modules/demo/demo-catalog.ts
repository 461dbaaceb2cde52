import { Channel } from '../../core/channel.js';
import { StoreType } from '../store/store.entity.js';

/** The demo tenant's fixed world: stores, products, names, places and the sales calendar. */

export interface DemoStore {
  code: string;
  name: string;
  type: StoreType;
  channel: Channel;
  /** Orders source system, as a real connector would name it. */
  source: string;
  city?: string;
}

export const DEMO_STORES: readonly DemoStore[] = [
  { code: 'TMALL', name: 'Tmall flagship store', type: StoreType.MARKETPLACE_SHOP, channel: Channel.MARKETPLACE, source: 'tmall' },
  { code: 'JD', name: 'JD.com flagship store', type: StoreType.MARKETPLACE_SHOP, channel: Channel.MARKETPLACE, source: 'jd' },
  { code: 'WEB', name: 'Web mall', type: StoreType.WEB_MALL, channel: Channel.WEB, source: 'webmall' },
  { code: 'APP', name: 'Mobile app', type: StoreType.APP, channel: Channel.APP, source: 'app' },
  { code: 'SH-01', name: 'Shanghai Nanjing Road', type: StoreType.OFFLINE_STORE, channel: Channel.STORE, source: 'pos', city: 'Shanghai' },
  { code: 'BJ-01', name: 'Beijing Sanlitun', type: StoreType.OFFLINE_STORE, channel: Channel.STORE, source: 'pos', city: 'Beijing' },
  { code: 'HZ-01', name: 'Hangzhou Hubin', type: StoreType.OFFLINE_STORE, channel: Channel.STORE, source: 'pos', city: 'Hangzhou' },
  { code: 'SZ-01', name: 'Shenzhen Futian', type: StoreType.OFFLINE_STORE, channel: Channel.STORE, source: 'pos', city: 'Shenzhen' },
  { code: 'GZ-01', name: 'Guangzhou Tianhe', type: StoreType.OFFLINE_STORE, channel: Channel.STORE, source: 'pos', city: 'Guangzhou' },
  { code: 'CD-01', name: 'Chengdu Chunxi Road', type: StoreType.OFFLINE_STORE, channel: Channel.STORE, source: 'pos', city: 'Chengdu' },
];

/** [province, city, weight]: big cities weigh more, as members do. */
export const PLACES: readonly (readonly [string, string, number])[] = [
  ['Shanghai', 'Shanghai', 10], ['Beijing', 'Beijing', 9], ['Zhejiang', 'Hangzhou', 6], ['Guangdong', 'Shenzhen', 7],
  ['Guangdong', 'Guangzhou', 7], ['Sichuan', 'Chengdu', 6], ['Jiangsu', 'Nanjing', 4], ['Jiangsu', 'Suzhou', 4],
  ['Hubei', 'Wuhan', 4], ['Shaanxi', "Xi'an", 3], ['Chongqing', 'Chongqing', 4], ['Tianjin', 'Tianjin', 3],
  ['Hunan', 'Changsha', 3], ['Fujian', 'Xiamen', 2], ['Shandong', 'Qingdao', 3], ['Liaoning', 'Shenyang', 2],
  ['Yunnan', 'Kunming', 2], ['Henan', 'Zhengzhou', 3], ['Anhui', 'Hefei', 2], ['Guangxi', 'Nanning', 1],
];
export const PLACE_WEIGHTS = PLACES.map((place) => place[2]);

export const SURNAMES = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun', 'Ma', 'Zhu', 'Hu', 'Guo', 'He', 'Lin', 'Gao', 'Luo'];
export const GIVEN_FEMALE = ['Fang', 'Min', 'Jing', 'Li', 'Yan', 'Xiu', 'Na', 'Ting', 'Xue', 'Mei', 'Lan', 'Yun', 'Hui', 'Qian', 'Yue', 'Shan'];
export const GIVEN_MALE = ['Wei', 'Qiang', 'Lei', 'Jun', 'Yang', 'Yong', 'Jie', 'Tao', 'Ming', 'Chao', 'Hao', 'Peng', 'Bo', 'Hui', 'Long', 'Kai'];
export const MOBILE_PREFIXES = ['130', '131', '132', '135', '136', '137', '138', '139', '150', '151', '152', '155', '156', '158', '159', '176', '186', '187', '188', '189'];
export const EMAIL_DOMAINS = ['qq.com', '163.com', '126.com', 'gmail.com', 'outlook.com', 'sina.com'];

export interface Product {
  sku: string;
  name: string;
  category: string;
  /** Minor units (fen). */
  price: number;
}

const RANGE: readonly (readonly [string, string, number, readonly string[]])[] = [
  ['Skincare', 'SK', 8900, ['Hydrating toner', 'Vitamin C serum', 'Night cream', 'Sunscreen SPF50', 'Eye cream', 'Clay mask', 'Cleansing oil', 'Essence water']],
  ['Makeup', 'MU', 6900, ['Matte lipstick', 'Cushion foundation', 'Eyeshadow palette', 'Mascara', 'Setting powder', 'Brow pencil']],
  ['Fragrance', 'FR', 29900, ['Eau de parfum 50ml', 'Eau de toilette 100ml', 'Body mist', 'Travel spray set']],
  ['Haircare', 'HC', 5900, ['Repair shampoo', 'Silk conditioner', 'Hair oil', 'Scalp serum']],
  ['Bodycare', 'BC', 4900, ['Body lotion', 'Shower gel', 'Hand cream trio', 'Body scrub']],
  ['Tools', 'TL', 12900, ['Facial device', 'Makeup brush set', 'Jade roller', 'Hair dryer']],
  ['Gift sets', 'GS', 45900, ['Festival gift box', 'Skincare ritual set', 'Bridal collection', 'Lucky red set']],
];

/** The product range: every name in three sizes, priced around its category's base price. */
export const PRODUCTS: readonly Product[] = RANGE.flatMap(([category, prefix, base, names]) =>
  names.flatMap((name, n) =>
    (['mini', 'regular', 'large'] as const).map((size, s) => ({
      sku: `${prefix}-${String(n + 1).padStart(2, '0')}-${size[0]!.toUpperCase()}`,
      name: `${name} (${size})`,
      category,
      price: Math.round((base * (0.7 + 0.15 * n) * [0.45, 1, 1.8][s]!) / 100) * 100,
    })),
  ),
);
export const CATEGORIES = RANGE.map((entry) => entry[0]);

export interface Peak {
  name: string;
  /** Shopping starts (deals, pre-sales). */
  from: number;
  /** The day itself, ms since epoch (UTC). */
  day: number;
}

/** Chinese New Year's day by year: gift shopping peaks in the weeks before it. */
const NEW_YEAR: Record<number, string> = {
  2022: '02-01', 2023: '01-22', 2024: '02-10', 2025: '01-29', 2026: '02-17', 2027: '02-06', 2028: '01-26', 2029: '02-13', 2030: '02-03',
};

const DAY = 86_400_000;

/** The sales peaks between two instants: 618, Double 11, Double 12 and the weeks before Chinese New Year. */
export function peaksBetween(start: number, end: number): Peak[] {
  const peaks: Peak[] = [];
  for (let year = new Date(start).getUTCFullYear(); year <= new Date(end).getUTCFullYear(); year++) {
    const at = (monthDay: string) => Date.parse(`${year}-${monthDay}T12:00:00Z`);
    peaks.push({ name: `618-${year}`, from: at('06-01'), day: at('06-18') });
    peaks.push({ name: `double11-${year}`, from: at('10-24'), day: at('11-11') });
    peaks.push({ name: `double12-${year}`, from: at('12-08'), day: at('12-12') });
    const newYear = at(NEW_YEAR[year] ?? '02-01');
    peaks.push({ name: `newyear-${year}`, from: newYear - 24 * DAY, day: newYear - 5 * DAY });
  }
  return peaks.filter((peak) => peak.day >= start && peak.day < end).sort((a, b) => a.day - b.day);
}
