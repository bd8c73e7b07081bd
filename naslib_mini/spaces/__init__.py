"""Search spaces. Importing this package registers every space in ``SPACES``."""
from naslib_mini.spaces.base import SPACES, Decision, SearchSpace
from naslib_mini.spaces.ops import OPS, Operation
from naslib_mini.spaces.chain import ChainArch, ChainConfig, ChainSpace, Layer
from naslib_mini.spaces import chain_presets  # noqa: F401  (registers chain-small and chain-3d)
from naslib_mini.spaces.nb201 import NB201Arch, NB201Space
from naslib_mini.spaces.subset import SubsetSpace
from naslib_mini.spaces.macro import MacroArch, MacroSpace

__all__ = ["ChainArch", "ChainConfig", "ChainSpace", "Layer", "NB201Arch", "NB201Space", "OPS", "SPACES", "Decision", "Operation", "SearchSpace", "SubsetSpace"]
__all__ += ["MacroArch", "MacroSpace"]
from naslib_mini.spaces.elastic import ElasticArch, ElasticSpace  # noqa: E402  (registers "ofa", Once-for-All)
__all__ += ["ElasticArch", "ElasticSpace"]
