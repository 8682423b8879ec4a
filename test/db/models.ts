/**
 * @module The models the ORM tests share: polls (Question, Choice), a blog with every field type,
 * many-to-many tags, and one model per onDelete rule.
 */
import { defineModel, fields } from '../../framework/db/index.ts'

export const Question = defineModel(
  'Question',
  {
    questionText: fields.char({ maxLength: 200 }),
    pubDate: fields.dateTime(),
  },
  {
    appLabel: 'polls',
    ordering: ['-pubDate'],
    getAbsoluteUrl: (q: { id: number }) => `/polls/${q.id}/`,
  },
)

export const Choice = defineModel(
  'Choice',
  {
    question: fields.foreignKey(() => Question, { onDelete: 'CASCADE' }),
    choiceText: fields.char({ maxLength: 200 }),
    votes: fields.integer({ default: 0 }),
  },
  { appLabel: 'polls' },
)

export const Tag = defineModel(
  'Tag',
  { name: fields.slug({ unique: true }) },
  { appLabel: 'blog', ordering: ['name'] },
)

export const Author = defineModel(
  'Author',
  {
    name: fields.char({ maxLength: 100 }),
    email: fields.email({ unique: true }),
  },
  { appLabel: 'blog' },
)

export const Article = defineModel(
  'Article',
  {
    title: fields.char({ maxLength: 200, dbIndex: true }),
    body: fields.text({ blank: true }),
    author: fields.foreignKey(() => Author, { onDelete: 'CASCADE', null: true }),
    tags: fields.manyToMany(() => Tag),
    rating: fields.smallInteger({ default: 0 }),
    views: fields.bigInteger({ default: 0 }),
    score: fields.float({ null: true }),
    price: fields.decimal({ maxDigits: 8, decimalPlaces: 2, default: '0.00' }),
    published: fields.boolean({ default: false }),
    publishedOn: fields.date({ null: true }),
    createdAt: fields.dateTime({ autoNowAdd: true }),
    updatedAt: fields.dateTime({ autoNow: true }),
    readAt: fields.time({ null: true }),
    readingTime: fields.duration({ null: true }),
    uuid: fields.uuid({ null: true }),
    data: fields.json({ null: true }),
    url: fields.url({ blank: true }),
    slug: fields.slug({ blank: true }),
    thumbnail: fields.binary({ null: true }),
    status: fields.char({
      maxLength: 10,
      choices: [
        ['draft', 'Draft'],
        ['live', 'Live'],
      ],
      default: 'draft',
    }),
  },
  {
    appLabel: 'blog',
    constraints: [
      { type: 'check', name: 'blog_article_rating_range', check: 'rating >= 0 AND rating <= 10' },
    ],
    uniqueTogether: [['author', 'slug']],
    indexes: [{ fields: ['-createdAt'] }],
  },
)

/** One parent, one child model per onDelete rule. */
export const Parent = defineModel(
  'Parent',
  { name: fields.char({ maxLength: 50 }) },
  { appLabel: 'rules' },
)
export const CascadeChild = defineModel(
  'CascadeChild',
  { parent: fields.foreignKey(() => Parent, { onDelete: 'CASCADE' }) },
  { appLabel: 'rules' },
)
export const ProtectChild = defineModel(
  'ProtectChild',
  { parent: fields.foreignKey(() => Parent, { onDelete: 'PROTECT', null: true }) },
  { appLabel: 'rules' },
)
export const RestrictChild = defineModel(
  'RestrictChild',
  { parent: fields.foreignKey(() => Parent, { onDelete: 'RESTRICT', null: true }) },
  { appLabel: 'rules' },
)
export const SetNullChild = defineModel(
  'SetNullChild',
  { parent: fields.foreignKey(() => Parent, { onDelete: 'SET_NULL', null: true }) },
  { appLabel: 'rules' },
)
export const SetDefaultChild = defineModel(
  'SetDefaultChild',
  {
    parent: fields.foreignKey(() => Parent, { onDelete: 'SET_DEFAULT', null: true, default: null }),
  },
  { appLabel: 'rules' },
)
export const DoNothingChild = defineModel(
  'DoNothingChild',
  { parent: fields.foreignKey(() => Parent, { onDelete: 'DO_NOTHING', null: true }) },
  { appLabel: 'rules' },
)
/** RESTRICT that a cascade resolves: deleting the Parent cascades to Holder, which holds the restricted rows. */
export const Holder = defineModel(
  'Holder',
  { parent: fields.foreignKey(() => Parent, { onDelete: 'CASCADE' }) },
  { appLabel: 'rules' },
)
export const HeldByRestrict = defineModel(
  'HeldByRestrict',
  {
    holder: fields.foreignKey(() => Holder, { onDelete: 'CASCADE' }),
    parent: fields.foreignKey(() => Parent, { onDelete: 'RESTRICT' }),
  },
  { appLabel: 'rules' },
)

export const pollModels = [Question, Choice]
export const blogModels = [Tag, Author, Article]
export const ruleModels = [
  Parent,
  CascadeChild,
  ProtectChild,
  RestrictChild,
  SetNullChild,
  SetDefaultChild,
  DoNothingChild,
  Holder,
  HeldByRestrict,
]

/** One-to-one and many-to-many through an explicit model. */
export const Profile = defineModel(
  'Profile',
  {
    author: fields.oneToOne(() => Author, { onDelete: 'CASCADE' }),
    bio: fields.text({ blank: true }),
  },
  { appLabel: 'blog' },
)
export const Person = defineModel(
  'Person',
  { name: fields.char({ maxLength: 50 }) },
  { appLabel: 'club' },
)
export const Group = defineModel(
  'Group',
  {
    name: fields.char({ maxLength: 50 }),
    members: fields.manyToMany(() => Person, { through: (): unknown => Membership }),
  },
  { appLabel: 'club' },
)
export const Membership = defineModel(
  'Membership',
  {
    person: fields.foreignKey(() => Person, { onDelete: 'CASCADE' }),
    group: fields.foreignKey(() => Group, { onDelete: 'CASCADE' }),
    role: fields.char({ maxLength: 20, default: 'member' }),
  },
  { appLabel: 'club', uniqueTogether: [['person', 'group']] },
)
export const clubModels = [Person, Group, Membership]
