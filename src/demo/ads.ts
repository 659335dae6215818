// Demo ad slots, campaigns and creatives for the demo article page. The advertisers are
// invented; image creatives live in examples/news-site/assets/ and HTML ones are inline.

type Size = [number, number]

export const demoSlots = [
  { key: 'header', name: 'Header banner', placement: 'header' as const, sizes: [[728, 90], [320, 50]] as Size[], sizeMapping: [{ minWidth: 0, sizes: [[320, 50]] as Size[] }, { minWidth: 768, sizes: [[728, 90]] as Size[] }], inArticle: null },
  { key: 'article-inline', name: 'In the article', placement: 'in_article' as const, sizes: [[300, 250]] as Size[], sizeMapping: null, inArticle: { afterParagraph: 2, repeatEvery: null, maxInsertions: 1 } },
  { key: 'sidebar', name: 'Sidebar', placement: 'sidebar' as const, sizes: [[300, 250]] as Size[], sizeMapping: null, inArticle: null },
  { key: 'below-article', name: 'Below the article', placement: 'below_article' as const, sizes: [[728, 90], [300, 250]] as Size[], sizeMapping: null, inArticle: null }
]

const image = (name: string, file: string, alt: string, targetUrl: string, [width, height]: Size) =>
  ({ name, kind: 'image' as const, imageUrl: `/demo/assets/${file}`, alt, html: null, targetUrl, width, height })

const subscribe = (width: number, height: number) => ({
  name: `Subscribe ${width}x${height}`,
  kind: 'html' as const,
  imageUrl: null,
  alt: null,
  html: `<a href="{{clickUrl}}" style="display:flex;align-items:center;justify-content:center;width:${width}px;height:${height}px;box-sizing:border-box;` +
    'background:#12263a;color:#f4f1ea;font:600 16px/1.2 Georgia,serif;text-decoration:none;border:4px double #f4f1ea;text-align:center;padding:8px">' +
    'Read without limits: subscribe to The Broadsheet</a>',
  targetUrl: 'https://broadsheet.example/subscribe',
  width,
  height
})

export const demoCampaigns = [
  {
    name: 'Spring sailings',
    advertiser: 'Harbour Lines',
    tier: 'standard' as const,
    priority: 6,
    slotKeys: ['article-inline', 'sidebar', 'below-article'],
    creatives: [
      image('Ferry 300x250', 'ad-ferry-300x250.svg', 'A white ferry leaving the harbour at sunset: spring sailings from 19', 'https://harbourlines.example/spring', [300, 250]),
      image('Ferry 728x90', 'ad-ferry-728x90.svg', 'Harbour Lines spring sailings, book now', 'https://harbourlines.example/spring', [728, 90])
    ]
  },
  {
    name: 'Tide tables app',
    advertiser: 'Coastwise',
    tier: 'standard' as const,
    priority: 5,
    slotKeys: ['header', 'below-article'],
    creatives: [
      image('Tides 728x90', 'ad-tides-728x90.svg', 'Coastwise: tide tables for every harbour, free app', 'https://coastwise.example/app', [728, 90]),
      image('Tides 320x50', 'ad-tides-320x50.svg', 'Coastwise tide tables app', 'https://coastwise.example/app', [320, 50])
    ]
  },
  {
    name: 'Winter lectures',
    advertiser: 'City Library',
    tier: 'standard' as const,
    priority: 4,
    slotKeys: ['sidebar', 'below-article'],
    creatives: [
      image('Lectures 300x250', 'ad-library-300x250.svg', 'City Library winter lectures: free entry, Thursdays at seven', 'https://library.example/lectures', [300, 250]),
      image('Lectures 728x90', 'ad-library-728x90.svg', 'City Library winter lectures, Thursdays at seven', 'https://library.example/lectures', [728, 90])
    ]
  },
  {
    name: 'Subscriptions',
    advertiser: 'The Broadsheet',
    tier: 'house' as const,
    priority: 1,
    slotKeys: ['header', 'article-inline', 'sidebar', 'below-article'],
    creatives: [subscribe(728, 90), subscribe(300, 250), subscribe(320, 50)]
  }
]
