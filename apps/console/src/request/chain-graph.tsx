// The chain drawn as a graph (left to right: origin, each delegate, the services they
// called), laid out by dagre and drawn by React Flow. Each node is a link to the
// principal's page; kinds have their own shape, glyph and name; anomalies sit on the nodes
// they concern with their highest severity; another tenant's report is marked as such.
import dagre from '@dagrejs/dagre';
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import { href } from '../routing/hash-router';
import { KindBadge, KindIcon } from '../ui/principal-kind';
import { highest, SeverityBadge } from '../ui/severity';
import { type ChainEdge, type ChainNode, severitiesOf } from './chain-model';

const WIDTH = 210;
const HEIGHT = 96;

type ChainFlowNode = Node<{ chain: ChainNode }, 'chain'>;

function ChainNodeView({ data }: NodeProps<ChainFlowNode>) {
  const node = data.chain;
  const top = highest(severitiesOf(node));
  const principal = node.principal;
  const classes = [
    'chain-node',
    principal ? `shape-${principal.kind.toLowerCase()}` : 'shape-target',
    top ? `has-anomaly sev-${top.toLowerCase()}` : '',
    node.reportedByOther ? 'foreign' : '',
    node.gaps.length ? 'has-gap' : '',
  ].join(' ');
  return (
    <div
      className={classes}
      data-testid="chain-node"
      data-node-id={node.id}
      data-principal-id={principal?.id ?? ''}
      data-kind={principal?.kind ?? 'TARGET'}
      data-position={node.position ?? ''}
      data-severity={top ?? ''}
    >
      <Handle type="target" position={Position.Left} />
      <div className="chain-node-head">
        {principal ? (
          <KindBadge kind={principal.kind} />
        ) : (
          <span className="kind kind-target">
            <KindIcon kind="TARGET" /> target
          </span>
        )}
        {node.position !== undefined && (
          <span className="position" title="position in the chain">
            {node.position === 0 ? 'origin' : `#${node.position}`}
          </span>
        )}
      </div>
      {principal ? (
        <a
          className="chain-node-label nodrag"
          href={href.principal(principal)}
          title={principal.id}
        >
          {node.label}
        </a>
      ) : (
        <span className="chain-node-label">{node.label}</span>
      )}
      <div className="chain-node-marks">
        {top && (
          <span title={node.anomalies.map((a) => `${a.severity} ${a.rule}`).join('\n')}>
            <SeverityBadge severity={top} /> {node.anomalies.length} anomal
            {node.anomalies.length === 1 ? 'y' : 'ies'}
          </span>
        )}
        {node.reportedByOther && (
          <span className="foreign-mark" title="a claim reported by another tenant">
            reported by {node.reportedByOther}
          </span>
        )}
        {node.gaps.length > 0 && (
          <span className="gap-mark" title={node.gaps.join('\n')}>
            gap
          </span>
        )}
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

const NODE_TYPES = { chain: ChainNodeView };

function layout(nodes: ChainNode[], edges: ChainEdge[]): { nodes: ChainFlowNode[]; edges: Edge[] } {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 120, marginx: 10, marginy: 10 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: WIDTH, height: HEIGHT });
  for (const edge of edges) graph.setEdge(edge.source, edge.target);
  dagre.layout(graph);
  return {
    nodes: nodes.map((node) => {
      const { x, y } = graph.node(node.id) as { x: number; y: number };
      return {
        id: node.id,
        type: 'chain',
        position: { x: x - WIDTH / 2, y: y - HEIGHT / 2 },
        data: { chain: node },
        ariaLabel: node.principal
          ? `${node.principal.kind.toLowerCase()} ${node.principal.id}`
          : `target ${node.label}`,
      };
    }),
    edges: edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      label: edge.label,
      className: `chain-edge edge-${edge.kind}${edge.denied ? ' edge-denied' : ''}`,
      markerEnd: { type: MarkerType.ArrowClosed },
      animated: edge.kind === 'delegation',
      data: { kind: edge.kind },
    })),
  };
}

export function ChainGraph({ nodes, edges }: { nodes: ChainNode[]; edges: ChainEdge[] }) {
  const laidOut = useMemo(() => layout(nodes, edges), [nodes, edges]);
  return (
    <div className="chain-graph" data-testid="chain-graph">
      <ReactFlow
        nodes={laidOut.nodes}
        edges={laidOut.edges}
        nodeTypes={NODE_TYPES}
        fitView
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        minZoom={0.2}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
