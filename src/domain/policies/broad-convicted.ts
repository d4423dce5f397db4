import { serialSeriousHarmPolicy } from './serial-serious-harm.ts'

// How the register is commonly assumed to work (report pp.37-38, Table 3):
// the Lords test without the custody condition.

export const broadConvicted = serialSeriousHarmPolicy({
  id: 'broad-convicted',
  title: 'Broad register: every convicted serial or high-risk DA and stalking offender',
  version: '1.0.0',
  status: 'rejected-proposal',
  source: 'Report pp.37-38 and Table 3: the Lords 2024 criteria applied to all convictions, not only custodial ones',
  commencement: '2024-05-21',
  summary:
    'Convicted of a specified DA or stalking offence, and a relevant serial offender or assessed as high or very high risk of serious harm, whatever the sentence: SOA 2003 Part 2 notification requirements and MAPPA Category 1.',
  requireCustody: false,
})
