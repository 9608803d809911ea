from collections import deque


def shortest_path(graph, start, goal):
    """Shortest path (fewest edges) from start to goal in an unweighted graph.

    graph maps node -> list of neighbours. Returns the list of nodes on the
    path, or None when goal is unreachable.
    """
    if start == goal:
        return [start]
    parents = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in graph.get(node, []):
            if nxt in parents:
                continue
            parents[nxt] = node
            if nxt == goal:
                path = [nxt]
                while parents[path[-1]] is not None:
                    path.append(parents[path[-1]])
                return path[::-1]
            queue.append(nxt)
    return None


def distances(graph, start):
    """Edge distance from start to every reachable node."""
    dist = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.pop()
        for nxt in graph.get(node, []):
            if nxt not in dist:
                dist[nxt] = dist[node] + 1
                queue.append(nxt)
    return dist
