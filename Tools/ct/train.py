"""Trains the pancreas localiser and the lesion model on phantom arrays from make_dataset.py (PyTorch CPU).

usage: train.py --data /tmp/ct-data/train.npz --work /tmp/ct-work --loc-minutes 10 --lesion-minutes 15

Each stage trains for a wall-clock budget (the machine is shared), with seeded shuffling, and saves
<work>/localizer.pt and <work>/lesion.pt plus a log of the losses.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from ctmodels import LesionNet, Localizer


def dice_loss(logits, target, eps=1.0):
    p = torch.sigmoid(logits)
    inter = (p * target).sum(dim=(1, 2, 3))
    return (1 - (2 * inter + eps) / (p.sum(dim=(1, 2, 3)) + target.sum(dim=(1, 2, 3)) + eps)).mean()


def load(path):
    a = np.load(path)
    return int(a["n_studies"]), [a]


def augment(x, y, rng):
    """Random flips are not anatomical (left/right matters), so only small intensity and shift changes."""
    if rng.random() < 0.5:
        x = x * rng.uniform(0.95, 1.05) + rng.uniform(-0.03, 0.03)
    dy, dx = rng.integers(-4, 5, size=2)
    x = torch.roll(x, shifts=(int(dy), int(dx)), dims=(-2, -1))
    y = torch.roll(y, shifts=(int(dy), int(dx)), dims=(-2, -1))
    return x, y


def train_loc(arrs, minutes, work, log, seed=0, init=None):
    x = torch.from_numpy(np.concatenate([a["loc_x"] for a in arrs]).astype(np.float32))[:, None]
    y = torch.from_numpy(np.concatenate([a["loc_y"] for a in arrs]).astype(np.float32))[:, None]
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = Localizer()
    if init:
        net.load_state_dict(torch.load(init))
    opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-4)
    t0, step, bs = time.time(), 0, 32
    net.train()
    while time.time() - t0 < minutes * 60:
        perm = rng.permutation(len(x))
        for i in range(0, len(perm) - bs + 1, bs):
            idx = torch.from_numpy(perm[i:i + bs])
            xb, yb = augment(x[idx], y[idx], rng)
            out = net(xb)
            loss = F.binary_cross_entropy_with_logits(out, yb) + dice_loss(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            if step % 20 == 0:
                log.append({"stage": "localizer", "step": step, "s": round(time.time() - t0), "loss": float(loss)})
                print(log[-1], flush=True)
            if time.time() - t0 > minutes * 60:
                break
    torch.save(net.state_dict(), os.path.join(work, "localizer.pt"))
    return step, len(x)


def train_lesion(arrs, minutes, work, log, seed=0, init=None):
    x = torch.from_numpy(np.concatenate([a["crop_x"] for a in arrs]).astype(np.float32))
    m = torch.from_numpy(np.concatenate([a["crop_mask"] for a in arrs]).astype(np.float32))[:, None]
    c = torch.from_numpy(np.concatenate([a["crop_cls"] for a in arrs]))[:, None]
    pos = float(c.sum())
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = LesionNet()
    if init:
        net.load_state_dict(torch.load(init))
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    t0, step, bs = time.time(), 0, 32
    net.train()
    pos_idx, neg_idx = np.nonzero(c[:, 0].numpy() > 0)[0], np.nonzero(c[:, 0].numpy() == 0)[0]
    while time.time() - t0 < minutes * 60:
        # balanced epochs: every lesion crop and as many lesion-free crops drawn afresh
        perm = rng.permutation(np.concatenate([pos_idx, rng.choice(neg_idx, size=min(len(neg_idx), len(pos_idx)), replace=False)]))
        for i in range(0, len(perm) - bs + 1, bs):
            idx = torch.from_numpy(perm[i:i + bs])
            xb, mb = augment(x[idx], m[idx], rng)
            logit, seg = net(xb)
            loss = (F.binary_cross_entropy_with_logits(logit, c[idx])
                    + F.binary_cross_entropy_with_logits(seg, mb, pos_weight=torch.tensor([5.0])) + dice_loss(seg, mb))
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            if step % 20 == 0:
                log.append({"stage": "lesion", "step": step, "s": round(time.time() - t0), "loss": float(loss)})
                print(log[-1], flush=True)
            if time.time() - t0 > minutes * 60:
                break
    torch.save(net.state_dict(), os.path.join(work, "lesion.pt"))
    return step, len(x), int(pos)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="train.npz from make_dataset.py")
    ap.add_argument("--work", required=True)
    ap.add_argument("--loc-minutes", type=float, default=10)
    ap.add_argument("--lesion-minutes", type=float, default=15)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--loc-init", help="start the localiser from these weights (continued training)")
    ap.add_argument("--lesion-init", help="start the lesion model from these weights (continued training)")
    ap.add_argument("--seed", type=int, default=0, help="shuffling / augmentation seed (use another one when continuing)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    os.makedirs(a.work, exist_ok=True)
    n_studies, arrs = load(a.data)
    log = []
    info = {"trainStudies": n_studies}
    if a.loc_minutes > 0:
        info["locSteps"], info["locSlices"] = train_loc(arrs, a.loc_minutes, a.work, log, seed=a.seed, init=a.loc_init)
    if a.lesion_minutes > 0:
        info["lesionSteps"], info["lesionCrops"], info["lesionPositiveCrops"] = train_lesion(arrs, a.lesion_minutes, a.work, log, seed=a.seed, init=a.lesion_init)
    info["log"] = log
    with open(os.path.join(a.work, "train-log.json"), "w") as f:
        json.dump(info, f, indent=1)
    print({k: v for k, v in info.items() if k != "log"})


if __name__ == "__main__":
    main()
