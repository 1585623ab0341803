#!/usr/bin/python3
"""Independent count of the evaluation networks in PyTorch, to cross-check src/cost.

Builds the CIFAR and ImageNet evaluation networks of SNAS-FACTS ("Derived (child) networks")
from src/space/genotypes.yaml with torch.nn, and prints one JSON line per network with the
parameter counts (without and with the auxiliary head) and the multiply-accumulates of
Conv2d and Linear layers for one image, measured by forward hooks. Run with Debian's
python3-torch:  /usr/bin/python3 test/peers/count_networks.py [--network cifar10] [--genotype DARTS_V2]
"""
import argparse
import json
import os

import torch
import torch.nn as nn
import yaml


def bn(c):
    return nn.BatchNorm2d(c, affine=True)


class ReLUConvBN(nn.Sequential):
    def __init__(self, cin, cout, k, s, p):
        super().__init__(nn.ReLU(), nn.Conv2d(cin, cout, k, s, p, bias=False), bn(cout))


class FactorizedReduce(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a = nn.Conv2d(cin, cout // 2, 1, 2, bias=False)
        self.b = nn.Conv2d(cin, cout // 2, 1, 2, bias=False)
        self.bn = bn(cout)

    def forward(self, x):
        x = torch.relu(x)
        return self.bn(torch.cat([self.a(x), self.b(x[:, :, 1:, 1:])], 1))


def sep(c, k, s):
    p = k // 2
    return nn.Sequential(nn.ReLU(), nn.Conv2d(c, c, k, s, p, groups=c, bias=False), nn.Conv2d(c, c, 1, bias=False), bn(c),
                         nn.ReLU(), nn.Conv2d(c, c, k, 1, p, groups=c, bias=False), nn.Conv2d(c, c, 1, bias=False), bn(c))


def dil(c, k, s):
    return nn.Sequential(nn.ReLU(), nn.Conv2d(c, c, k, s, k - 1, dilation=2, groups=c, bias=False), nn.Conv2d(c, c, 1, bias=False), bn(c))


def op(name, c, s, pool_bn):
    def pool(p):
        return nn.Sequential(p, bn(c)) if pool_bn else p
    return {
        'max_pool_3x3': lambda: pool(nn.MaxPool2d(3, s, 1)),
        'avg_pool_3x3': lambda: pool(nn.AvgPool2d(3, s, 1, count_include_pad=False)),
        'skip_connect': lambda: nn.Identity() if s == 1 else FactorizedReduce(c, c),
        'sep_conv_3x3': lambda: sep(c, 3, s), 'sep_conv_5x5': lambda: sep(c, 5, s),
        'dil_conv_3x3': lambda: dil(c, 3, s), 'dil_conv_5x5': lambda: dil(c, 5, s),
    }[name]()


class Cell(nn.Module):
    def __init__(self, genes, cpp, cp, c, reduction, reduction_prev, pool_bn):
        super().__init__()
        self.pre0 = FactorizedReduce(cpp, c) if reduction_prev else ReLUConvBN(cpp, c, 1, 1, 0)
        self.pre1 = ReLUConvBN(cp, c, 1, 1, 0)
        if len(genes) == 14:
            nodes = [2] * 2 + [3] * 3 + [4] * 4 + [5] * 5
        else:
            nodes = [2 + i // 2 for i in range(len(genes))]
        self.edges = [(name, inp, node) for (name, inp), node in zip(genes, nodes)]
        self.ops = nn.ModuleList([nn.Identity() if name == 'none' else op(name, c, 2 if reduction and inp < 2 else 1, pool_bn)
                                  for name, inp, node in self.edges])
        self.c, self.reduction = c, reduction

    def forward(self, s0, s1):
        states = [self.pre0(s0), self.pre1(s1)]
        for node in range(2, 6):
            terms = [m(states[inp]) for (name, inp, nd), m in zip(self.edges, self.ops) if nd == node and name != 'none']
            if terms:
                states.append(sum(terms))
            else:
                n, _, h, w = states[1].shape
                size = ((h + 1) // 2, (w + 1) // 2) if self.reduction else (h, w)
                states.append(torch.zeros(n, self.c, *size))
        return torch.cat(states[2:], 1)


class Aux(nn.Module):
    def __init__(self, c, classes, stride, bn2):
        super().__init__()
        layers = [nn.ReLU(), nn.AvgPool2d(5, stride, 0, count_include_pad=False), nn.Conv2d(c, 128, 1, bias=False), bn(128), nn.ReLU(),
                  nn.Conv2d(128, 768, 2, bias=False)]
        if bn2:
            layers.append(bn(768))
        layers.append(nn.ReLU())
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(768, classes)


class Network(nn.Module):
    def __init__(self, kind, genotype, c, layers, classes, pool_bn):
        super().__init__()
        if kind == 'cifar10':
            self.stem = nn.Sequential(nn.Conv2d(3, 3 * c, 3, padding=1, bias=False), bn(3 * c))
            cpp, cp, reduction_prev = 3 * c, 3 * c, False
        else:
            self.stem0 = nn.Sequential(nn.Conv2d(3, c // 2, 3, 2, 1, bias=False), bn(c // 2), nn.ReLU(),
                                       nn.Conv2d(c // 2, c, 3, 2, 1, bias=False), bn(c))
            self.stem1 = nn.Sequential(nn.ReLU(), nn.Conv2d(c, c, 3, 2, 1, bias=False), bn(c))
            cpp, cp, reduction_prev = c, c, True
        self.kind = kind
        self.cells = nn.ModuleList()
        cc = c
        for i in range(layers):
            reduction = i in (layers // 3, 2 * layers // 3)
            if reduction:
                cc *= 2
            self.cells.append(Cell(genotype['reduce' if reduction else 'normal'], cpp, cp, cc, reduction, reduction_prev, pool_bn))
            reduction_prev = reduction
            cpp, cp = cp, 4 * cc
            if i == 2 * layers // 3:
                self.aux = Aux(cp, classes, 3 if kind == 'cifar10' else 2, kind == 'cifar10')
        self.classifier = nn.Linear(cp, classes)

    def forward(self, x):
        if self.kind == 'cifar10':
            s0 = s1 = self.stem(x)
        else:
            s0 = self.stem0(x)
            s1 = self.stem1(s0)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        return self.classifier(s1.mean((2, 3)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--network', choices=['cifar10', 'imagenet'], help='default: both')
    ap.add_argument('--genotype', help='default: every genotype in the file')
    ap.add_argument('--channels', type=int)
    ap.add_argument('--layers', type=int)
    ap.add_argument('--input-size', type=int)
    ap.add_argument('--bare-pools', action='store_true', help="DARTS' flavour: no BN after pools")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, '..', '..', 'src', 'space', 'genotypes.yaml')) as f:
        genotypes = yaml.safe_load(f)['genotypes']
    for name in [a.genotype] if a.genotype else list(genotypes):
        for network in [a.network] if a.network else ['cifar10', 'imagenet']:
            count(a, network, name, genotypes[name])


def count(a, network, name, genotype):
    defaults = {'cifar10': (36, 20, 32, 10), 'imagenet': (48, 14, 224, 1000)}[network]
    c, layers, size, classes = a.channels or defaults[0], a.layers or defaults[1], a.input_size or defaults[2], defaults[3]
    net = Network(network, genotype, c, layers, classes, not a.bare_pools).eval()
    macs = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            macs[0] += out.numel() * m.kernel_size[0] * m.kernel_size[1] * m.in_channels // m.groups
        else:
            macs[0] += m.in_features * m.out_features

    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)) and not any(m is x for x in net.aux.modules()):
            m.register_forward_hook(hook)
    with torch.no_grad():
        net(torch.zeros(1, 3, size, size))
    total = sum(p.numel() for p in net.parameters())
    aux = sum(p.numel() for p in net.aux.parameters())
    print(json.dumps({'network': network, 'genotype': name, 'channels': c, 'layers': layers, 'input_size': size,
                      'pool_bn': not a.bare_pools, 'params': total - aux, 'params_with_aux': total, 'mult_adds': macs[0]}))


if __name__ == '__main__':
    main()
