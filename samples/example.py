"""A tiny PyTorch example for Loss Lens: hover a list of logits to see its softmax."""
import torch
import torch.nn.functional as F

logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
labels = torch.tensor([0, 1])

print(F.softmax(logits, dim=-1))
print(F.cross_entropy(logits, labels))
