import { describe, expect, it } from 'vitest'

import { bestFirst, caseLabel, gradeColour, keptReasons, ratePath, rateParams, reasonsOf, toggled, type Grade } from './ratings'

const reason = (code: string, name: string) => ({ code, name, name_en: code })
const GRADES: Grade[] = [
  { level: 1, grade: 'very_dissatisfied', name: '非常不满意', name_en: 'Very dissatisfied', opens_case: true, reasons: [reason('attitude_poor', '服务态度差'), reason('long_wait', '等候时间长')] },
  { level: 3, grade: 'basically_satisfied', name: '基本满意', name_en: 'Basically satisfied', opens_case: false, reasons: [reason('efficient', '办事效率高'), reason('long_wait', '等候时间较长')] },
  { level: 5, grade: 'very_satisfied', name: '非常满意', name_en: 'Very satisfied', opens_case: false, reasons: [reason('efficient', '办事效率高'), reason('attitude_good', '服务态度好')] },
]
const MATTER = { kind: 'application', reference: 'A20261207ABC' }

describe('ratings', () => {
  it('lays the grades out best first, each with its own colour', () => {
    expect(bestFirst(GRADES).map((g) => g.level)).toEqual([5, 3, 1])
    expect(new Set([5, 4, 3, 2, 1].map(gradeColour)).size).toBe(5)
  })

  it('offers the reasons of the chosen grade only, none before a grade is chosen', () => {
    expect(reasonsOf(GRADES, null)).toEqual([])
    expect(reasonsOf(GRADES, 1).map((r) => r.code)).toEqual(['attitude_poor', 'long_wait'])
  })

  it('keeps the picked reasons another grade also offers', () => {
    expect(keptReasons(GRADES, 3, ['attitude_poor', 'long_wait'])).toEqual(['long_wait'])
    expect(toggled(toggled([], 'slow'), 'slow')).toEqual([])
  })

  it('sends the reasons in the grade order and the comment only when given', () => {
    expect(rateParams(MATTER, GRADES, 1, ['long_wait', 'attitude_poor', 'efficient'], '  ')).toEqual({
      kind: 'application',
      reference: 'A20261207ABC',
      level: 1,
      reasons: ['attitude_poor', 'long_wait'],
    })
    expect(rateParams(MATTER, GRADES, 5, [], ' 很快 ').comment).toBe('很快')
  })

  it('links to the rate page and names how far a rectification went', () => {
    expect(ratePath(MATTER)).toBe('pages/ratings/rate?kind=application&ref=A20261207ABC')
    expect(caseLabel(null, null)).toBeNull()
    expect(caseLabel('open', null)).toBe('整改中')
    expect(caseLabel('closed', 'rectified')).toBe('已整改')
  })
})
