// Demo articles written for Broadsheet: a small newsroom's front page. Places and people are
// invented; the shape is the article page of the contract (a featured world story of several
// paragraphs, and enough others for "More articles" and "Latest article").

export interface DemoArticle {
  title: string
  subtitle?: string
  category: string
  tags: string[]
  author: string
  featured?: boolean
  hoursAgo: number
  coverImage?: { url: string, alt: string, caption: string | null }
  body: string
}

export const demoArticles: DemoArticle[] = [
  {
    title: 'Harbour city holds its breath as the new sea wall meets its first storm surge',
    subtitle: 'Engineers, fishermen and a mayor facing re-election watched the barrier through the highest tide in forty years',
    category: 'world',
    tags: ['climate', 'oceans'],
    author: 'amara-okafor',
    featured: true,
    hoursAgo: 2,
    coverImage: {
      url: 'https://images.example.com/demo/sea-wall-at-dawn.jpg',
      alt: 'Grey waves breaking against a long concrete sea wall at dawn, with harbour cranes behind',
      caption: 'The barrier at first light, after the night\'s peak tide.'
    },
    body: `Just after two in the morning the water reached the mark that engineers had painted on the harbour steps a decade ago, and for the first time in living memory it went no further. The new sea wall of Port Avella, eleven kilometres of concrete and steel finished only in the spring, held back a surge that the national weather service had called the most dangerous in forty years.

On the promenade, a few hundred residents who had ignored the advice to stay indoors stood in the rain and watched the spray climb the face of the barrier. "My father lost his boat and his kitchen to the 1987 flood," said Rosa Mendel, who runs a café on the waterfront. "Tonight I could hear the sea, but my floor is dry."

The wall was the most expensive public project in the region's history, and it was not popular. Its cost rose by a third during construction, and fishermen complained that the narrowed harbour mouth made it harder to bring boats in during a swell. Mayor Ilan Teodor, who faces voters in March, staked much of his term on it.

Engineers cautioned against drawing conclusions from a single night. "A sea wall is designed for the storm of the century, not the storm of the week," said Dr Hana Ruiz, who led the design team. "What we learned tonight is that the gates close on time and the drainage behind the wall keeps up. That is exactly what we needed to know."

Scientists point out that the defences only buy time. Sea levels along this coast have risen by about twenty centimetres since the 1950s, and the regional climate assessment expects at least as much again by the middle of the century. Several low-lying villages to the north have no wall at all, and two of them reported flooded roads and a collapsed jetty.

By morning the harbour was calm, the gates were open again and the first ferry left on schedule. Ms Mendel reopened her café at seven. "Everyone wants coffee and everyone wants to talk about the wall," she said. "Last year they wanted to talk about the bill."`
  },
  {
    title: 'Coalition talks stall over a single line in the energy budget',
    category: 'politics',
    tags: ['energy', 'elections'],
    author: 'tomas-reyes',
    hoursAgo: 5,
    body: `Negotiators from the three parties trying to form a government adjourned without agreement on Tuesday, divided over how fast to phase out subsidies for home heating oil.

The sticking point is a single line in the draft budget: the junior partner wants the subsidy gone within two years, the largest party wants five. Both sides say the rest of the programme is settled.

"We agree on ninety-nine per cent of the text," one negotiator said. "Unfortunately the last per cent costs four billion."`
  },
  {
    title: 'Offshore wind auction draws record bids as turbine prices fall',
    category: 'business',
    tags: ['energy', 'climate', 'trade'],
    author: 'tomas-reyes',
    hoursAgo: 9,
    body: `Eleven consortia bid for the right to build turbines in the northern offshore zone, the most since auctions began, after the price of turbines fell for a second year running.

Analysts said cheaper steel and shorter shipping times had eased the pressure that forced several developers to walk away from projects two years ago.

The winning bids will be announced next month. The grid operator says the new capacity could power about two million homes by the end of the decade.`
  },
  {
    title: 'Deep-sea survey finds coral gardens thriving below the heat line',
    category: 'science',
    tags: ['oceans', 'climate'],
    author: 'lena-vogel',
    hoursAgo: 20,
    body: `A research vessel returning from a six-week expedition has mapped coral gardens at depths of 200 to 400 metres that appear untouched by the marine heatwaves that bleached shallow reefs nearby.

The team used a remotely operated vehicle to film more than thirty square kilometres of seabed. Water at those depths stayed several degrees cooler throughout last summer's heatwave.

"It is not a refuge we can count on forever," said the expedition's chief scientist. "But it tells us where to look, and what to protect first."`
  },
  {
    title: 'Port strike ends after dockworkers win a deal on automation',
    category: 'business',
    tags: ['trade', 'technology'],
    author: 'amara-okafor',
    hoursAgo: 30,
    body: `Dockworkers at the country's two largest container ports returned to work on Monday after a nine-day strike, with an agreement that no jobs will be cut as automated cranes are introduced over the next six years.

Shipping lines had diverted dozens of vessels during the strike, and retailers warned of empty shelves before the holidays.

The deal includes retraining for crane operators and a joint committee that must approve each new automated berth.`
  },
  {
    title: 'A library in a former tram depot becomes the busiest room in town',
    category: 'culture',
    tags: ['technology'],
    author: 'lena-vogel',
    hoursAgo: 44,
    body: `When the city converted its old tram depot into a library, critics called it a vanity project. Two years on, it lends more books than any other branch and stays open until midnight.

Students fill the long tables under the restored iron roof; on weekends the old maintenance pit hosts concerts and a repair café.

"People come for the building and stay for the books," the head librarian said.`
  },
  {
    title: 'Election commission approves postal voting for citizens abroad',
    category: 'politics',
    tags: ['elections'],
    author: 'amara-okafor',
    hoursAgo: 60,
    body: `Citizens living abroad will be able to vote by post in next year's general election, the election commission ruled on Friday, ending a decade of complaints about long journeys to the nearest consulate.

About 300,000 voters are expected to register. Ballots must arrive by the Thursday before polling day.`
  }
]
