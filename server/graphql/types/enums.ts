import { ExecutionStatus, NodeRunStatus, TriggerKind, VersionKind } from '../../db/generated/enums';
import { builder } from '../builder';

export const ExecutionStatusEnum = builder.enumType(ExecutionStatus, {
  name: 'ExecutionStatus',
  description: 'Where an execution stands.',
});
export const NodeRunStatusEnum = builder.enumType(NodeRunStatus, {
  name: 'NodeRunStatus',
  description: 'Where one node (in one lane) of an execution stands.',
});
export const TriggerKindEnum = builder.enumType(TriggerKind, {
  name: 'TriggerKind',
  description: 'What started an execution.',
});
export const VersionKindEnum = builder.enumType(VersionKind, {
  name: 'VersionKind',
  description: '`auto` versions are taken while code changes; `manual` ones are saved by a person.',
});
