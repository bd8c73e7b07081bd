"""Object detection: a CenterNet head on a searched backbone (``centernet``) and COCO's mAP (``coco``)."""
from naslib_mini.detection.centernet import (CenterNetHead, Detections, Detector, build_detector, centernet_loss,
                                             centernet_training_loss, decode, encode_targets, gaussian_radius)

__all__ = ["CenterNetHead", "Detections", "Detector", "build_detector", "centernet_loss", "centernet_training_loss",
           "decode", "encode_targets", "gaussian_radius"]
