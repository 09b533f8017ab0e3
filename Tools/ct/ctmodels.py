"""The two CT networks (PyTorch): a small 2-D U-Net pancreas localiser and a 2.5-D lesion model with a
classification head and a segmentation head. Only ONNX ops that Vigil's ONNXEngine runs are used."""
import torch
import torch.nn as nn


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                         nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class UNet(nn.Module):
    def __init__(self, cin=1, widths=(8, 16, 32, 64)):
        super().__init__()
        w = widths
        self.enc = nn.ModuleList([block(cin, w[0]), block(w[0], w[1]), block(w[1], w[2])])
        self.bott = block(w[2], w[3])
        self.pool = nn.MaxPool2d(2)
        self.up = nn.ModuleList([nn.ConvTranspose2d(w[3], w[2], 2, stride=2), nn.ConvTranspose2d(w[2], w[1], 2, stride=2),
                                 nn.ConvTranspose2d(w[1], w[0], 2, stride=2)])
        self.dec = nn.ModuleList([block(2 * w[2], w[2]), block(2 * w[1], w[1]), block(2 * w[0], w[0])])
        self.head = nn.Conv2d(w[0], 1, 1)

    def features(self, x):
        skips = []
        for e in self.enc:
            x = e(x)
            skips.append(x)
            x = self.pool(x)
        return self.bott(x), skips

    def decode(self, x, skips):
        for up, dec, skip in zip(self.up, self.dec, reversed(skips)):
            x = dec(torch.cat([up(x), skip], dim=1))
        return self.head(x)

    def forward(self, x):
        b, skips = self.features(x)
        return self.decode(b, skips)


class Localizer(UNet):
    """ct [N,1,128,128] -> pancreas_logits [N,1,128,128]."""
    def __init__(self):
        super().__init__(1, (8, 16, 32, 64))


class LesionNet(UNet):
    """crop [N,3,96,96] -> (lesion_logit [N,1], lesion_mask_logits [N,1,96,96])."""
    def __init__(self):
        super().__init__(3, (8, 16, 32, 48))
        self.gmp = nn.AdaptiveMaxPool2d(1)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(2 * 48 + 1, 1)

    def forward(self, x):
        b, skips = self.features(x)
        seg = self.decode(b, skips)
        # the classifier also sees the strongest segmentation evidence (global max of the mask logits)
        f = torch.cat([self.gmp(b).flatten(1), self.gap(b).flatten(1), self.gmp(seg).flatten(1)], dim=1)
        return self.fc(f), seg
