"""Planning my meeting: the child's steps (who comes, how I take part, where and when, food, the
room, my meeting plan), and staff seeing the plan and answering each wish.

The blueprint lives in routes.py; the rules in service.py; the steps and the words a child sees
for each choice in steps.py.
"""
