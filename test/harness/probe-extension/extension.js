// Test-only extension for the UI helpers' self-test (see package.json). Plain JS: no build step.
const vscode = require('vscode');
const crypto = require('node:crypto');

function activate(context) {
  const say = (msg) => vscode.window.showInformationMessage(msg);

  context.subscriptions.push(vscode.commands.registerCommand('harnessProbe.askName', async () => {
    const name = await vscode.window.showInputBox({ title: 'Probe', prompt: 'Your name', password: false });
    if (name === undefined) return;
    const secret = await vscode.window.showInputBox({ title: 'Probe', prompt: 'A secret', password: true });
    if (secret === undefined) return;
    const color = await vscode.window.showQuickPick(
      [{ label: 'red', description: 'warm' }, { label: 'green' }, { label: 'blue', detail: 'cold' }],
      { title: 'Probe', placeHolder: 'Pick a color' });
    if (!color) return;
    say(`Probe: ${name} picked ${color.label} (secret length ${secret.length})`);
  }));

  context.subscriptions.push(vscode.commands.registerCommand('harnessProbe.askConsent', async () => {
    const answer = await vscode.window.showWarningMessage('The probe wants to do something.', { modal: true, detail: 'Allow it?' }, 'Allow', 'Deny');
    say(`Probe consent: ${answer ?? 'cancelled'}`);
  }));

  context.subscriptions.push(vscode.commands.registerCommand('harnessProbe.openWebview', () => {
    const panel = vscode.window.createWebviewPanel('harnessProbe', 'Probe Webview', vscode.ViewColumn.One, { enableScripts: true });
    const nonce = crypto.randomBytes(16).toString('base64');
    panel.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${panel.webview.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<title>Probe Webview</title></head><body>
<h1>Probe webview</h1><input id="word" aria-label="Word"><button id="send">Send</button><p id="echo"></p>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.getElementById('send').addEventListener('click', () => vscode.postMessage({ word: document.getElementById('word').value }));
window.addEventListener('message', (e) => { document.getElementById('echo').textContent = 'echo: ' + e.data.word; });
</script></body></html>`;
    panel.webview.onDidReceiveMessage((m) => {
      say(`Probe webview sent ${m.word}`);
      panel.webview.postMessage({ word: m.word });
    });
  }));

  const items = ['first item', 'second item'];
  context.subscriptions.push(vscode.window.registerTreeDataProvider('harnessProbe.items', {
    getTreeItem: (label) => {
      const item = new vscode.TreeItem(label);
      item.command = { command: 'harnessProbe.clicked', title: 'Clicked', arguments: [label] };
      return item;
    },
    getChildren: (parent) => (parent ? [] : items),
  }));
  context.subscriptions.push(vscode.commands.registerCommand('harnessProbe.clicked', (label) => say(`Probe clicked ${label}`)));
  context.subscriptions.push(vscode.commands.registerCommand('harnessProbe.inspect', (label) => say(`Probe inspected ${label}`)));
  context.subscriptions.push(vscode.commands.registerCommand('harnessProbe.rename', (label) => say(`Probe renamed ${label}`)));
  context.subscriptions.push(vscode.commands.registerCommand('harnessProbe.refresh', () => say('Probe refreshed')));
}

module.exports = { activate, deactivate() {} };
