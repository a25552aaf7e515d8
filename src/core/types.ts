// Shapes shared by the classifier, the pipeline and the bots (see ../shared/spec/classify-contract.md).
import type { CatalystSlug } from "./catalysts.ts";

/** An article as the classifier sees it. */
export interface ArticleInput {
  id: string;
  title?: string;
  text: string;
  /** ISO 8601; when missing, "now" is used to judge what is old background. */
  published?: string;
  source?: string;
  url?: string;
}

export interface CatalystHit {
  type: CatalystSlug;
  confidence: number;
  evidence: string;
}

export interface TickerResult {
  symbol: string;
  listings: string[];
  name: string;
  relevance: number;
  catalysts: CatalystHit[];
}

export interface ClassifyResult {
  id: string;
  catalysts: CatalystSlug[];
  tickers: TickerResult[];
}

export type Classify = (article: ArticleInput, options?: { now?: Date }) => ClassifyResult;

/** One alert: the first article of a story about one ticker (or an article-level catalyst) and one catalyst. */
export interface Alert {
  /** Stable id: one per (story, destination) delivery is derived from it. */
  alertId: string;
  storyId: string;
  /** The canonical ticker, or undefined for an article-level catalyst alert. */
  ticker?: string;
  companyName?: string;
  catalyst: CatalystSlug;
  confidence: number;
  evidence: string;
  articleId: string;
  title: string;
  url?: string;
  source?: string;
  /** ISO 8601. */
  published: string;
  /** True when this article joins an existing story: delivered as a thread reply, not a new alert. */
  followUp: boolean;
}

/** The platform's id of a posted message, kept so later sources of a story can be threaded under it. */
export interface PostedMessage {
  messageId: string;
  channel: string;
}
