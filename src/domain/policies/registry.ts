import type { PolicyId } from '../explain/evaluation.ts'
import { broadConvicted } from './broad-convicted.ts'
import { commons2024InLieu } from './commons-2024-in-lieu.ts'
import { guamFvr } from './guam-fvr.ts'
import { lords2024 } from './lords-2024.ts'
import { npccSerial } from './npcc-serial.ts'
import type { Policy } from './policy.ts'
import { savilleRoberts2020 } from './saville-roberts-2020.ts'

// Every policy the register evaluates, in the order they are shown side by side.
// A new proposal is a new module here plus its tests; the others do not change.

export const policies: readonly Policy<object>[] = [
  lords2024,
  broadConvicted,
  commons2024InLieu,
  savilleRoberts2020,
  npccSerial,
  guamFvr,
] as unknown as readonly Policy<object>[]

export const policyIds: PolicyId[] = policies.map((p) => p.id)

const byId = new Map<string, Policy<object>>(policies.map((p) => [p.id, p]))

export function isPolicyId(id: string): id is PolicyId {
  return byId.has(id)
}

export function policyById(id: PolicyId): Policy<object> {
  const policy = byId.get(id)
  if (!policy) throw new RangeError(`unknown policy ${id}`)
  return policy
}
