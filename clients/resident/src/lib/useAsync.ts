import { useCallback, useEffect, useState } from 'react'

import { GovError } from './api'

export interface Loaded<T> {
  data: T | undefined
  error: GovError | null
  loading: boolean
  reload: () => void
}

function asGovError(error: unknown): GovError {
  if (error instanceof GovError) return error
  return new GovError('CLIENT_ERROR', error instanceof Error ? error.message : String(error))
}

/** Loads `load()` now and whenever `deps` change; an error is kept for the page to show. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T>()
  const [error, setError] = useState<GovError | null>(null)
  const [loading, setLoading] = useState(true)
  const [round, setRound] = useState(0)
  useEffect(() => {
    let live = true
    setLoading(true)
    setError(null)
    load()
      .then((value) => live && setData(value))
      .catch((caught) => live && setError(asGovError(caught)))
      .finally(() => live && setLoading(false))
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, round])
  const reload = useCallback(() => setRound((n) => n + 1), [])
  return { data, error, loading, reload }
}

/** Runs an action on a tap: busy while it runs, its error kept for the page to show. */
export function useAction<A extends unknown[]>(
  act: (...args: A) => Promise<void>,
): { run: (...args: A) => Promise<void>; busy: boolean; error: GovError | null; clear: () => void } {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<GovError | null>(null)
  const run = useCallback(
    async (...args: A) => {
      setBusy(true)
      setError(null)
      try {
        await act(...args)
      } catch (caught) {
        setError(asGovError(caught))
      } finally {
        setBusy(false)
      }
    },
    [act],
  )
  return { run, busy, error, clear: () => setError(null) }
}
