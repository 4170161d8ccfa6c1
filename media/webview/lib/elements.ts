// The @vscode-elements components the webviews use (registers the custom elements; bundled in).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-form-helper/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
export type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/index.js';
export type { VscodeTextarea } from '@vscode-elements/elements/dist/vscode-textarea/index.js';
export type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/index.js';
export type { VscodeRadio } from '@vscode-elements/elements/dist/vscode-radio/index.js';
export type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/index.js';
