-- AlterEnum
ALTER TYPE "TriggerKind" ADD VALUE 'Rss';
