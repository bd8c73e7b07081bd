"""Temperature scaling: the cross-entropy left once confidence is put right."""
import pytest
import torch
import torch.nn.functional as F

from naslib_mini.calibration import temperature_scaled_loss


@pytest.fixture
def noisy():
    generator = torch.Generator().manual_seed(0)
    targets = torch.randint(0, 10, (400,), generator=generator)
    logits = torch.randn(400, 10, generator=generator)
    logits[torch.arange(400), targets] += 2.0  # mostly right, with some mistakes
    return logits, targets


def test_never_above_the_plain_loss_and_at_a_minimum(noisy):
    logits, targets = noisy
    loss, t = temperature_scaled_loss(logits, targets)
    assert loss <= F.cross_entropy(logits, targets).item()
    for nearby in (t * 0.9, t * 1.1):
        assert loss <= F.cross_entropy(logits / nearby, targets).item()
    assert F.cross_entropy(logits / t, targets).item() == pytest.approx(loss, rel=1e-6)


def test_confidence_is_taken_out(noisy):
    # Scaling every logit changes the plain loss but not the loss at the best temperature.
    logits, targets = noisy
    loss, t = temperature_scaled_loss(logits, targets)
    sharper, t_sharper = temperature_scaled_loss(logits * 5, targets)
    assert F.cross_entropy(logits * 5, targets).item() > F.cross_entropy(logits, targets).item() + 0.2
    assert sharper == pytest.approx(loss, rel=1e-5) and t_sharper == pytest.approx(5 * t, rel=1e-3)


def test_overconfidence_is_cooled_and_underconfidence_sharpened(noisy):
    logits, targets = noisy
    assert temperature_scaled_loss(logits * 10, targets)[1] > 1
    assert temperature_scaled_loss(logits / 10, targets)[1] < 1


def test_better_ranking_wins_whatever_the_confidence(noisy):
    logits, targets = noisy
    better = logits.clone()
    better[torch.arange(len(targets)), targets] += 1.0
    assert temperature_scaled_loss(better / 3, targets)[0] < temperature_scaled_loss(logits * 3, targets)[0]


def test_perfect_separation_goes_to_zero():
    logits = torch.tensor([[3.0, 0.0], [0.0, 3.0]])
    loss, t = temperature_scaled_loss(logits, torch.tensor([0, 1]))
    assert loss < 1e-6 and 0 < t < 1


@pytest.mark.parametrize("logits, targets, message", [
    (torch.zeros(3), torch.zeros(3, dtype=torch.long), r"shape \(examples, classes\).*got \(3,\)"),
    (torch.zeros(0, 2), torch.zeros(0, dtype=torch.long), "at least one example"),
    (torch.zeros(3, 2), torch.zeros(2, dtype=torch.long), r"targets must have shape \(3,\).*got \(2,\)"),
])
def test_bad_shapes_name_what_was_given(logits, targets, message):
    with pytest.raises(ValueError, match=message):
        temperature_scaled_loss(logits, targets)
