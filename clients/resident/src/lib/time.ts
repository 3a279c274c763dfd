// Times cross the API in UTC; residents read them in the city's time (Asia/Shanghai, UTC+8,
// no daylight saving), whatever the phone's zone.
const OFFSET_MS = 8 * 3600 * 1000

function local(iso: string): Date {
  return new Date(new Date(iso).getTime() + OFFSET_MS)
}

const two = (n: number) => String(n).padStart(2, '0')

export function clock(iso: string): string {
  const d = local(iso)
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`
}

export function dayAndClock(iso: string): string {
  const d = local(iso)
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${clock(iso)}`
}
