"""An example external stack package for Gauntlet (see ``README.md``)."""

from my_stack.stack import MyStack

__all__ = ["MyStack"]
