import { restoreCwd } from './mjml-hide-cwd.js';
import mjml2html from 'mjml';

// mjml, loaded without the `.mjmlconfig` of the current folder (mjml-hide-cwd.ts), wherever it
// loads: the compile worker, the main thread, the startup snapshot. Import mjml through here.
restoreCwd();

export default mjml2html;
