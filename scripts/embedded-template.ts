/**
 * Part of `npm install` (postinstall): makes the empty embedded database that a new DATA_DIR
 * starts as a copy of (server/db/embeddedTemplate.ts), so that the first start skips initdb.
 * Nothing is lost without it: the first start that needs the template makes it.
 */
import { ensureTemplate, templateDirectory } from '../server/db/embeddedTemplate';

const template = templateDirectory();
const began = Date.now();
try {
  await ensureTemplate(template);
  console.log(`embedded database template: ${template} (${Date.now() - began} ms)`);
} catch (error) {
  // Not fatal: the platform runs initdb itself when there is no template.
  console.warn(`embedded database template not made (${(error as Error).message}); the first start makes a database itself`);
}
