import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/host/commandIds';
import { activateExtension } from './helpers';

describe('Loss Lens activation', () => {
  it('activates and registers every command', async () => {
    const ext = await activateExtension();
    assert.equal(ext.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    for (const id of Object.values(CommandIds)) assert.ok(commands.includes(id), `${id} is not registered`);
  });

  it('lossLens.listOps returns the op names', async () => {
    const names = await vscode.commands.executeCommand<string[]>(CommandIds.listOps);
    assert.ok(Array.isArray(names) && names.length > 0, `got ${JSON.stringify(names)}`);
    assert.ok(names.includes('softmax'), `softmax missing from ${names.join(', ')}`);
  });
});
