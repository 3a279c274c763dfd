// An online form (its JSON Schema) as the apply page shows it: the fields in order with the input
// each takes, and what still stands between the resident and 提交. The server checks again; this
// only spares a round trip and says what is missing in the resident's words.

export interface FieldSchema {
  type?: string
  title?: string
  enum?: string[]
  format?: string
  maxLength?: number
}

export interface FormSchema {
  properties?: Record<string, FieldSchema>
  required?: string[]
}

export interface FormField {
  name: string
  label: string
  kind: 'choice' | 'date' | 'text'
  choices: string[]
  required: boolean
  maxLength: number
}

export interface MaterialNeed {
  code: string
  name: string
  required: boolean
  in_library: boolean
  valid_until: string | null
}

export type Answers = Record<string, string>

const DATE = /^\d{4}-\d{2}-\d{2}$/

export function fieldsOf(schema: FormSchema): FormField[] {
  const required = new Set(schema.required ?? [])
  return Object.entries(schema.properties ?? {}).map(([name, field]) => ({
    name,
    label: field.title ?? name,
    kind: field.enum?.length ? 'choice' : field.format === 'date' ? 'date' : 'text',
    choices: field.enum ?? [],
    required: required.has(name),
    maxLength: field.maxLength ?? 200,
  }))
}

/** The answers to start from: the draft's, else what the materials library already holds. */
export function startingAnswers(fields: FormField[], ...sources: Record<string, unknown>[]): Answers {
  const answers: Answers = {}
  for (const field of fields) {
    const found = sources.map((source) => source[field.name]).find((value) => value !== undefined && value !== null)
    answers[field.name] = found === undefined ? '' : String(found)
  }
  return answers
}

/** What the form would send: trimmed, and an empty optional answer left out. */
export function answersToSend(fields: FormField[], answers: Answers): Answers {
  const sent: Answers = {}
  for (const field of fields) {
    const value = (answers[field.name] ?? '').trim()
    if (value || field.required) sent[field.name] = value
  }
  return sent
}

/** The labels of required answers not given, and of dates not written YYYY-MM-DD. */
export function problems(fields: FormField[], answers: Answers): string[] {
  return fields.flatMap((field) => {
    const value = (answers[field.name] ?? '').trim()
    if (!value) return field.required ? [field.label] : []
    if (field.kind === 'date' && !DATE.test(value)) return [`${field.label}（YYYY-MM-DD）`]
    if (field.kind === 'choice' && !field.choices.includes(value)) return [field.label]
    return []
  })
}

/** Required materials neither in the library, nor attached to the draft, nor picked now. */
export function materialsMissing(needs: MaterialNeed[], attached: string[], picked: string[]): string[] {
  const have = new Set([...attached, ...picked])
  return needs.filter((need) => need.required && !need.in_library && !have.has(need.code)).map((need) => need.name)
}
