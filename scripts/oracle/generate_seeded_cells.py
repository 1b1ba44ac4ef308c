"""Expected values of the seeded-cell tests in test/unit/analysis/randomStreams.test.ts.

Run with Debian's torch and numpy: /usr/bin/python3 scripts/oracle/generate_seeded_cells.py
Each line is a test name and the value PyTorch or NumPy gives; the test vendors them.
"""
import torch, numpy as np, torch.nn.functional as F

torch.manual_seed(0)
x = torch.randn(3, 5)
t = torch.randint(0, 5, (3,))
print('ce_after_seed0', repr(F.cross_entropy(x, t).item()))
y = torch.rand(4, 5)  # the next cell: the stream goes on
print('mse_next_cell', repr(F.mse_loss(y, torch.zeros(4, 5)).item()))
print('rand_next_cell_first', repr(y[0, 0].item()))
np.random.seed(0)
a = np.random.randn(3)
b = np.random.randint(0, 10, size=4)
c = np.random.rand()
print('np_randn', a.tolist(), 'np_randint', b.tolist(), 'np_rand', repr(c))
torch.manual_seed(42)
crit = torch.nn.CrossEntropyLoss()
z = torch.randn(20, 4, requires_grad=True)
lab = torch.randint(4, (20,))
print('crit_seed42_z00', repr(z[0, 0].item()), 'labels', lab.tolist())
