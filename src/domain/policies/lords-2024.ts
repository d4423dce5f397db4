import { serialSeriousHarmPolicy } from './serial-serious-harm.ts'

// The register the House of Lords approved on 21 May 2024 (Victims and
// Prisoners Bill, amendments 132-133) and the Commons overturned two days later:
// a specified DA or stalking offence, serial or high risk, released on licence.

export const lords2024 = serialSeriousHarmPolicy({
  id: 'lords-2024',
  title: 'Lords amendment, May 2024 (serial and serious harm, released on licence)',
  version: '1.0.0',
  status: 'rejected-proposal',
  source:
    'Victims and Prisoners Bill 2024, Lords amendments 132-133, approved 21 May 2024, overturned 23 May 2024 (report p.29, footnote 53)',
  commencement: '2024-05-21',
  summary:
    'Convicted of a specified DA or stalking offence, and a relevant serial offender or assessed as high or very high risk of serious harm, and released on licence from custody for it: SOA 2003 Part 2 notification requirements and MAPPA Category 1.',
  requireCustody: true,
})
