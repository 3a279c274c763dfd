import { describe, expect, it } from 'vitest'

import { answersToSend, fieldsOf, materialsMissing, problems, startingAnswers } from './forms'

const SCHEMA = {
  properties: {
    child_name: { type: 'string', title: '新生儿姓名', maxLength: 64 },
    child_gender: { type: 'string', title: '性别', enum: ['男', '女'] },
    child_birth_date: { type: 'string', title: '出生日期', format: 'date' },
    note: { type: 'string', title: '备注', maxLength: 500 },
  },
  required: ['child_name', 'child_gender', 'child_birth_date'],
}

describe('online forms', () => {
  const fields = fieldsOf(SCHEMA)

  it('reads the fields in order with the input each takes', () => {
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['child_name', 'text', true],
      ['child_gender', 'choice', true],
      ['child_birth_date', 'date', true],
      ['note', 'text', false],
    ])
    expect(fields[1].choices).toEqual(['男', '女'])
  })

  it('starts from the draft, then from the library', () => {
    const answers = startingAnswers(fields, { child_name: '小明' }, { child_name: '旧名', child_gender: '男' })
    expect(answers).toEqual({ child_name: '小明', child_gender: '男', child_birth_date: '', note: '' })
  })

  it('names what is missing or malformed, and sends trimmed answers only', () => {
    const answers = { child_name: ' 小明 ', child_gender: '男', child_birth_date: '2026/12/01', note: ' ' }
    expect(problems(fields, answers)).toEqual(['出生日期（YYYY-MM-DD）'])
    expect(problems(fields, { ...answers, child_gender: '' })).toContain('性别')
    expect(answersToSend(fields, answers)).toEqual({ child_name: '小明', child_gender: '男', child_birth_date: '2026/12/01' })
  })

  it('asks only for required materials the library does not hold and nobody attached', () => {
    const needs = [
      { code: 'id-card', name: '身份证', required: true, in_library: true, valid_until: null },
      { code: 'birth-cert', name: '出生医学证明', required: true, in_library: false, valid_until: null },
      { code: 'photo', name: '照片', required: false, in_library: false, valid_until: null },
      { code: 'hukou', name: '户口簿', required: true, in_library: false, valid_until: null },
    ]
    expect(materialsMissing(needs, [], [])).toEqual(['出生医学证明', '户口簿'])
    expect(materialsMissing(needs, ['hukou'], ['birth-cert'])).toEqual([])
  })
})
