export default async function globalTeardown(): Promise<void> {
  await globalThis.__ECRM_EMBEDDED__?.stop();
}
