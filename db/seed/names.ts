/**
 * Name pools for the synthetic Flanders. Every person and organiser is a random combination of
 * common Flemish first names, last names and childcare-style names: nobody real is described.
 */

export const femaleFirstNames = [
  'An', 'Anja', 'Annelies', 'Ann', 'Astrid', 'Barbara', 'Bieke', 'Caroline', 'Charlotte', 'Chloë',
  'Christine', 'Dorien', 'Els', 'Elke', 'Ellen', 'Emma', 'Evelien', 'Fatima', 'Femke', 'Greet',
  'Griet', 'Hanne', 'Heidi', 'Hilde', 'Ilse', 'Inge', 'Ingrid', 'Jana', 'Joke', 'Karen',
  'Katrien', 'Kim', 'Kristel', 'Laura', 'Leen', 'Lien', 'Lies', 'Liesbeth', 'Lotte', 'Marie',
  'Marleen', 'Mieke', 'Myriam', 'Nadia', 'Nathalie', 'Nele', 'Nina', 'Petra', 'Riet', 'Sabine',
  'Sandra', 'Sara', 'Sarah', 'Sofie', 'Stefanie', 'Tine', 'Tinne', 'Valerie', 'Veerle', 'Vera',
  'Wendy', 'Yasmina', 'Yasmine', 'Zeynep', 'Fien', 'Lore', 'Marijke', 'Saskia', 'Silke', 'Eline',
] as const;

export const maleFirstNames = [
  'Ahmed', 'Bart', 'Ben', 'Bert', 'Bram', 'Dirk', 'Filip', 'Frank', 'Geert', 'Gert',
  'Hans', 'Jan', 'Jeroen', 'Joris', 'Jef', 'Johan', 'Karel', 'Kevin', 'Koen', 'Kris',
  'Lieven', 'Luc', 'Marc', 'Mathias', 'Mohamed', 'Nico', 'Pieter', 'Peter', 'Raf', 'Rik',
  'Robbe', 'Ruben', 'Sam', 'Stijn', 'Steven', 'Thomas', 'Tom', 'Wim', 'Wouter', 'Yusuf',
] as const;

export const lastNames = [
  'Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters', 'De Smet',
  'Hermans', 'Aerts', 'Michiels', 'Vermeulen', 'Pauwels', 'Van de Velde', 'De Clercq', 'Martens', 'Verstraeten', 'Claeys',
  'Lambrechts', 'Smets', 'Desmet', 'Van Damme', 'Verhoeven', 'De Backer', 'Cools', 'Stevens', 'Segers', 'Bogaerts',
  'Van Dyck', 'Vandenberghe', 'Coppens', 'Declercq', 'Vermeersch', 'Hendrickx', 'Thys', 'Verbeke', 'Leemans', 'Dierckx',
  'Van Acker', 'Van Hove', 'Baert', 'Laenen', 'Geerts', 'Wuyts', 'Verheyen', 'Van Looy', 'De Wilde', 'Vercammen',
  'Mortier', 'Lemmens', 'De Vos', 'Vanderstraeten', 'Van den Broeck', 'Huybrechts', 'Dewulf', 'Vanhoutte', 'Cornelis', 'Verschueren',
  'Van Hecke', 'De Meyer', 'Sels', 'Nijs', 'Vos', 'Verlinden', 'Van Gestel', 'Boeckx', 'Standaert', 'Vandevelde',
  'El Amrani', 'Yilmaz', 'Benali', 'Demir', 'Kaya', 'Nowak', 'Haddouchi', 'Bouzid', 'Öztürk', 'Kowalski',
] as const;

export const streetNames = [
  'Kerkstraat', 'Stationsstraat', 'Dorpsstraat', 'Molenstraat', 'Nieuwstraat', 'Schoolstraat', 'Kapelstraat', 'Beekstraat',
  'Hoogstraat', 'Langstraat', 'Kouter', 'Markt', 'Lindenlaan', 'Kastanjelaan', 'Eikenlaan', 'Berkenlaan',
  'Populierenlaan', 'Beukenlaan', 'Veldstraat', 'Heidestraat', 'Bosstraat', 'Meersstraat', 'Processiestraat', 'Ringlaan',
  'Koning Albertstraat', 'Leopoldlaan', 'Sint-Jansstraat', 'Kloosterstraat', 'Pastorijstraat', 'Zandstraat', 'Hofstraat', 'Weverstraat',
  'Brugstraat', 'Vaartstraat', 'Dijkstraat', 'Nijverheidsstraat', 'Ambachtenstraat', 'Bloemenstraat', 'Tuinstraat', 'Rozenstraat',
  'Meidoornlaan', 'Vlinderstraat', 'Zonnebloemstraat', 'Heirbaan', 'Steenweg', 'Kasteelstraat', 'Hoevestraat', 'Akkerstraat',
  'Broekstraat', 'Lange Dreef', 'Boomgaardstraat', 'Wijngaardstraat', 'Vrijheidstraat', 'Sint-Martinusstraat', 'Pater Damiaanstraat', 'Guido Gezellelaan',
  'Hendrik Consciencestraat', 'Groenstraat', 'Ijzerweg', 'Blauwe Steenstraat', 'Weidestraat', 'Gildestraat', 'Merelstraat', 'Leeuwerikstraat',
] as const;

/** Names a kinderdagverblijf or an onthaalouder might choose. */
export const childcareNames = [
  'De Rupsjes', "'t Klavertje", 'De Zonnebloem', 'Het Speelnest', 'De Kabouterhut', 'Pimpampoentje', 'De Vlindertuin', "'t Kriebeltje",
  'De Kleine Reus', 'Het Bijenkorfje', 'Zonnestraal', 'Ukkepuk', 'De Knuffelbeer', 'Ketteke', 'Het Nestje', 'De Boomhut',
  "'t Molentje", 'De Regenboog', 'De Speelvogel', 'Dikkertje Dap', 'Kindjeskoppen', "'t Hummeltje", 'Kwetternest', 'De Ballon',
  'Sloebers', 'Kiekeboe', 'De Schommel', 'Bolleke', 'Hopsakee', 'De Pluimpjes', "'t Kuikentje", 'De Egeltjes',
  'Het Vossenhol', 'De Lieveheersbeestjes', 'Klein Duimpje', "'t Uilekotje", 'De Teddybeer', 'Het Zonnetje', 'De Krullebol', 'Kadeeke',
  'De Walvis', 'Het Kastanjehuisje', 'Appelsientje', "'t Zeepbelleke", 'De Dromenvanger', 'Sterretje', 'De Kikkerkoning', 'Het Boomgaardje',
] as const;

/** Brands for the few large organisers that run dozens of kinderdagverblijven. */
export const chainBrands = [
  'Zonnekind', 'Kinderrijk', 'Kiddoo', 'Sprankel', 'Wiegewoel', 'Bengelhuis', 'Speelwolk', 'Kleine Stappen',
  'Kindernest', 'Ukkiehuis', 'Kabouterland', 'Peuterpark', 'Kroost', 'Knuffelhuis', 'Zonnehoek', 'Kinderwereld',
] as const;

/** Regions whose names organisers of several locations like to carry. */
export const regionNames = [
  'Kempen', 'Noorderkempen', 'Waasland', 'Meetjesland', 'Pajottenland', 'Hageland', 'Westhoek', 'Leiestreek',
  'Haspengouw', 'Vlaamse Ardennen', 'Denderstreek', 'Rupelstreek', 'Voorkempen', 'Maasland', 'Brugse Ommeland', 'Zennevallei',
  'Scheldeland', 'Groene Gordel', 'Druivenstreek', 'Houtland', 'Polders', 'Netheland', 'Mandel', 'Limburgse Kempen',
] as const;

export const groupCareKinds = ['Kinderdagverblijf', 'Kinderopvang', 'Kribbe', 'Minicrèche', 'Baby- en peuteropvang'] as const;
export const legalForms = ['vzw', 'bv', 'comm.v.'] as const;
